import { describe, expect, it } from 'vitest';
import { FakeResponse } from './fake-response.js';
import { scriptedFeed, T0, telemetry } from './feed-fixtures.js';

// The feed's pacing and fan-out on a ManualClock, with scripted sections and fake responses:
// every timer fires only when a test moves the clock.

type Feed = ReturnType<typeof scriptedFeed>;

async function openStreams(f: Feed, count: number, lastEventId?: string): Promise<FakeResponse[]> {
  await f.feed.prepare();
  return Array.from({ length: count }, () => {
    const res = new FakeResponse();
    f.feed.open(res.asResponse(), lastEventId);
    return res;
  });
}

describe('LiveFeed', () => {
  it('opens each stream with a retry hint and one snapshot computed for every viewer', async () => {
    const f = scriptedFeed({ retryMs: 3000 });
    f.energy.value = 12;
    const streams = await openStreams(f, 3);
    for (const res of streams) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache, no-transform');
      // 3000 ms plus the jitter (random 0.5 → half as much again).
      expect(res.text.startsWith('retry: 4500\n\n')).toBe(true);
      expect(res.events()).toEqual([
        {
          id: f.feed.id,
          event: 'snapshot',
          payload: {
            id: f.feed.id,
            at: new Date(T0).toISOString(),
            timeZone: 'Europe/Paris',
            ingestedAt: null,
            sections: { energy: { value: 12 }, lighting: { value: 0 } },
          },
        },
      ]);
    }
    expect(f.feed.id).toMatch(/^[0-9a-z]+-1$/);
    expect(f.energy.computations).toBe(1);
    expect(f.lighting.computations).toBe(1);
    expect(f.feed.stats().streams).toBe(3);
  });

  it('turns a burst of batches into one update of the sections they touched', async () => {
    const f = scriptedFeed({ minIntervalMs: 250 });
    const [a, b] = await openStreams(f, 2);
    const before = f.feed.id;
    f.energy.value = 5;
    f.feed.noteIngested([telemetry('energy', T0)]);
    await f.clock.advance(100);
    f.energy.value = 6;
    f.feed.noteIngested([telemetry('energy', T0 + 100), telemetry('weather', T0 + 100)]);
    await f.clock.advance(149);
    expect(f.energy.computations).toBe(1);
    await f.clock.advance(1);
    await expect.poll(() => a?.events().length).toBe(2);
    const update = a?.events()[1];
    expect(update).toEqual({
      id: f.feed.id,
      event: 'update',
      payload: {
        id: f.feed.id,
        at: new Date(T0 + 250).toISOString(),
        timeZone: 'Europe/Paris',
        // The oldest batch it reflects.
        ingestedAt: new Date(T0).toISOString(),
        sections: { energy: { value: 6 } },
      },
    });
    expect(f.feed.id).not.toBe(before);
    expect(b?.events()[1]).toEqual(update);
    expect(f.energy.computations).toBe(2);
    expect(f.lighting.computations).toBe(1);
    expect(f.feed.stats().updates).toBe(1);
  });

  it('shows every batch of steady ingestion within the interval, never more often', async () => {
    const f = scriptedFeed({ minIntervalMs: 250 });
    const [res] = await openStreams(f, 1);
    const batches: { at: number; value: number }[] = [];
    for (let i = 1; i <= 30; i++) {
      f.energy.value = i;
      batches.push({ at: f.clock.now(), value: i });
      f.feed.noteIngested([telemetry('energy', f.clock.now())]);
      await f.clock.advance(70);
    }
    await f.clock.advance(250);
    await expect
      .poll(() => res?.events().at(-1)?.payload.sections)
      .toEqual({
        energy: { value: 30 },
      });
    const updates = (res?.events() ?? [])
      .filter((e) => e.event === 'update')
      .map((e) => ({
        at: Date.parse(e.payload.at as string),
        value: (e.payload.sections as { energy: { value: number } }).energy.value,
      }));
    for (let i = 1; i < updates.length; i++) {
      expect((updates[i]?.at ?? 0) - (updates[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(250);
    }
    for (const batch of batches) {
      // An update computed at the very instant of a batch ran just before it was stored.
      const shown = updates.find((u) => u.at > batch.at);
      expect(shown, `batch at +${batch.at - T0} ms`).toBeDefined();
      expect((shown?.at ?? Infinity) - batch.at).toBeLessThanOrEqual(250);
      expect(shown?.value).toBeGreaterThanOrEqual(batch.value);
    }
    // 30 batches over 2.1 s: about one update per 250 ms, not one per batch.
    expect(updates.length).toBeLessThanOrEqual(10);
  });

  it('sends nothing when a recomputed section did not change', async () => {
    const f = scriptedFeed();
    const [res] = await openStreams(f, 1);
    f.feed.noteIngested([telemetry('energy', T0)]);
    await f.clock.advance(300);
    await expect.poll(() => f.energy.computations).toBe(2);
    expect(res?.events()).toHaveLength(1);
    expect(f.feed.stats().updates).toBe(0);
  });

  it('spares a reconnecting client that has the current version the snapshot', async () => {
    const f = scriptedFeed();
    await f.feed.prepare();
    const current = f.feed.id;
    const [upToDate] = await openStreams(f, 1, current);
    const [behind] = await openStreams(f, 1, `${current.split('-')[0] ?? ''}-0`);
    const [otherStart] = await openStreams(f, 1, 'zz0000-1');
    expect(upToDate?.events()).toEqual([]);
    expect(upToDate?.text).toMatch(/^retry: \d+\n\n$/);
    expect(behind?.events().map((e) => e.event)).toEqual(['snapshot']);
    expect(otherStart?.events().map((e) => e.event)).toEqual(['snapshot']);
  });

  it('sends heartbeats and refreshes each section at its own period while streams are open', async () => {
    const f = scriptedFeed({ heartbeatMs: 15_000 });
    const [res] = await openStreams(f, 1);
    await f.clock.advance(15_000);
    expect(res?.text.endsWith(': heartbeat\n\n')).toBe(true);
    // A change no ingested message announces (a meter gone quiet, midnight).
    f.energy.value = 7;
    await f.clock.advance(45_000);
    await expect
      .poll(() => res?.events().at(-1)?.payload.sections)
      .toEqual({
        energy: { value: 7 },
      });
    expect(res?.events().at(-1)?.payload.ingestedAt).toBeNull();
    expect(f.lighting.computations).toBe(1);
    await f.clock.advance(240_000);
    await expect.poll(() => f.lighting.computations).toBe(2);
    expect(res?.text.match(/: heartbeat/g)).toHaveLength(20);
  });

  it('does nothing in the background without viewers; a snapshot recomputes what went stale', async () => {
    const f = scriptedFeed();
    expect(f.energy.computations).toBe(0);
    expect(JSON.parse(await f.feed.snapshotJson())).toMatchObject({
      sections: { energy: { value: 0 } },
    });
    f.energy.value = 3;
    f.feed.noteIngested([telemetry('energy', T0)]);
    expect(f.clock.pending).toBe(0);
    await f.clock.advance(1_000);
    expect(f.energy.computations).toBe(1);
    expect(JSON.parse(await f.feed.snapshotJson())).toMatchObject({
      ingestedAt: new Date(T0).toISOString(),
      sections: { energy: { value: 3 }, lighting: { value: 0 } },
    });
    expect(f.energy.computations).toBe(2);
    expect(f.lighting.computations).toBe(1);
    // Nothing stale: the next request is served as it is.
    await f.feed.snapshotJson();
    expect(f.energy.computations).toBe(2);
  });

  it('keeps the last good value of a failing section, and says so in the log', async () => {
    const f = scriptedFeed();
    f.energy.failWith = new Error('store unreachable');
    const [res] = await openStreams(f, 1);
    expect(res?.events()[0]?.payload.sections).toEqual({ energy: null, lighting: { value: 0 } });
    expect(f.captured.text()).toContain('public feed section failed to compute');
    expect(f.captured.text()).toContain('store unreachable');
    f.energy.failWith = null;
    f.energy.value = 4;
    f.feed.noteIngested([telemetry('energy', T0)]);
    await f.clock.advance(250);
    await expect
      .poll(() => res?.events().at(-1)?.payload.sections)
      .toEqual({
        energy: { value: 4 },
      });
    f.energy.failWith = new Error('again');
    f.feed.noteIngested([telemetry('energy', T0 + 300)]);
    await f.clock.advance(500);
    await expect.poll(() => f.energy.computations).toBe(3);
    expect(res?.events()).toHaveLength(2);
    expect(JSON.parse(await f.feed.snapshotJson())).toMatchObject({
      sections: { energy: { value: 4 } },
    });
  });

  it('closes a viewer that stopped reading, and keeps serving the others', async () => {
    const f = scriptedFeed({ maxBufferedBytes: 4096 });
    const [stuck, reading] = await openStreams(f, 2);
    if (stuck === undefined || reading === undefined) throw new Error('two streams');
    stuck.writableLength = 5000;
    f.energy.value = 9;
    f.feed.noteIngested([telemetry('energy', T0)]);
    await f.clock.advance(250);
    await expect.poll(() => reading.events()).toHaveLength(2);
    expect(stuck.destroyed).toBe(true);
    expect(stuck.events()).toHaveLength(1);
    expect(f.feed.stats()).toMatchObject({ streams: 1, slowClosed: 1 });
  });

  it('forgets closed streams, and stops its timers with the last one', async () => {
    const f = scriptedFeed({ maxStreams: 2 });
    const [a, b] = await openStreams(f, 2);
    expect(f.feed.full).toBe(true);
    expect(f.clock.pending).toBe(1);
    a?.hangUp();
    expect(f.feed.full).toBe(false);
    b?.hangUp();
    expect(f.feed.stats().streams).toBe(0);
    expect(f.clock.pending).toBe(0);
    f.feed.noteIngested([telemetry('energy', T0)]);
    expect(f.clock.pending).toBe(0);
  });

  it('ends every stream on close and leaves no timer behind', async () => {
    const f = scriptedFeed();
    const streams = await openStreams(f, 2);
    f.feed.noteIngested([telemetry('energy', T0)]);
    expect(f.clock.pending).toBe(2);
    f.feed.close();
    expect(streams.map((s) => s.ended)).toEqual([true, true]);
    expect(f.clock.pending).toBe(0);
    expect(f.feed.stats().streams).toBe(0);
    expect(f.feed.closed).toBe(true);
  });
});
