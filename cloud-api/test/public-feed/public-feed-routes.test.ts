import { afterEach, describe, expect, it } from 'vitest';
import { HALL } from '../energy/energy-kit.js';
import { DIALECTS } from '../helpers/test-database.js';
import { createPublicFeedApp, NOW, type PublicFeedApp } from './public-feed-app.js';
import { SseClient } from './sse-client.js';

// The feed in the real app, listening on port 0: the sections as the energy and lighting
// domains compute them, the event stream over a real socket, batches through the real
// ingestion pipeline, the stream cap and the clean-ups, on SQLite and PostgreSQL.

interface Snapshot {
  id: string;
  at: string;
  timeZone: string;
  ingestedAt: string | null;
  sections: {
    energy: {
      powerNow: { consumptionW: number | null; productionW: number | null };
      today: { label: string; consumptionKwh: number | null; productionKwh: number | null };
      yesterday: {
        label: string;
        consumptionKwh: number | null;
        sameTimeKwh: number | null;
        sameTimeUntil: string | null;
      };
      greenShare: { today: number | null; gridMetered: boolean; gridRenewableShare: number };
    } | null;
    lighting: {
      zones: {
        zone: string;
        name: string | null;
        level: number;
        mode: string;
        reason: string | null;
      }[];
      litZones: number;
      averageLitLevel: number | null;
      lastNight: { night: string; savingsPct: number | null } | null;
    } | null;
  };
}

const TRACE = [
  'astro: night (sunset 17:19 +0 min, until sunrise 08:38 +0 min)',
  "calendar: rule 'weekday' → program 'standard' step until 05:30 → 60 %",
  'class M4 minimum 30 %',
];

describe.each(DIALECTS)('public feed routes (%s)', (dialect) => {
  let f: PublicFeedApp;
  const clients: SseClient[] = [];
  const open = async (path = '/api/v1/public/live', headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${f.url}${path}`, headers);
    clients.push(client);
    return client;
  };
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the JSON's shape, as inject's `res.json<T>()` lets it
  const get = async <T>(path: string): Promise<{ status: number; headers: Headers; body: T }> => {
    const res = await fetch(`${f.url}${path}`);
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await f.close();
  });

  it('answers the snapshot with the figures of the energy and lighting domains', async () => {
    f = await createPublicFeedApp(dialect);
    await f.ingest([
      f.lightingEvent(1, 'level-changed', {
        zone: 'connetable',
        level: 60,
        previous: 100,
        mode: 'program',
        reasons: TRACE,
      }),
    ]);
    const snap = await get<Snapshot>('/api/v1/public/snapshot');
    expect(snap.status).toBe(200);
    expect(snap.headers.get('cache-control')).toBe('public, max-age=1');
    const now = await get<{ consumptionW: number; productionW: number }>('/api/v1/energy/now');
    const kwh = await get<{
      periods: { label: string; consumption: { kwh: number }; production: { kwh: number } }[];
    }>('/api/v1/energy/kwh');
    const green = await get<{ overall: number | null }>('/api/v1/energy/green-share');
    const [yesterday, today] = kwh.body.periods;
    expect(snap.body).toMatchObject({
      at: new Date(NOW).toISOString(),
      timeZone: 'Europe/Paris',
      ingestedAt: null,
      sections: {
        energy: {
          powerNow: { consumptionW: now.body.consumptionW, productionW: now.body.productionW },
          today: {
            label: today?.label,
            consumptionKwh: today?.consumption.kwh,
            productionKwh: today?.production.kwh,
          },
          yesterday: {
            label: '2026-11-24',
            consumptionKwh: yesterday?.consumption.kwh,
            // Midnight in Paris (23:00Z) to 13:00 the day before: 13 h at 2.25 kW.
            sameTimeKwh: 29.25,
            sameTimeUntil: '2026-11-24T12:00:00.000Z',
          },
          greenShare: { today: green.body.overall, gridMetered: false, gridRenewableShare: 0.25 },
        },
        lighting: {
          zones: [
            {
              zone: 'connetable',
              name: 'Rue du Connétable',
              level: 60,
              mode: 'program',
              reason: "calendar: rule 'weekday' → program 'standard' step until 05:30 → 60 %",
            },
          ],
          litZones: 1,
          averageLitLevel: 60,
          lastNight: null,
        },
      },
    });
    // Hand-computed too, so the comparison above cannot pass on two equal wrong answers.
    expect(snap.body.sections.energy?.powerNow.consumptionW).toBe(2250);
    expect(snap.body.sections.energy?.today.consumptionKwh).toBe(29.25);
  });

  it('streams a snapshot, then an update soon after a batch is ingested', async () => {
    f = await createPublicFeedApp(dialect);
    const client = await open();
    expect(client.status).toBe(200);
    expect(client.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const [first] = await client.waitForEvents(1);
    expect(first?.event).toBe('snapshot');
    expect(client.retries[0]).toBeGreaterThanOrEqual(3000);
    expect(client.retries[0]).toBeLessThan(6000);
    const snapshot = JSON.parse(first?.data ?? '{}') as Snapshot;
    expect(first?.id).toBe(snapshot.id);
    expect(snapshot.sections.energy?.powerNow.consumptionW).toBe(2250);

    const receivedAt = f.clock.now();
    await f.ingest([f.energy(1, HALL, { power_w: 4000, energy_import_kwh: 1000 + 1.5 * 38 })]);
    await f.clock.advance(250);
    const [, update] = await client.waitForEvents(2);
    expect(update?.event).toBe('update');
    const payload = JSON.parse(update?.data ?? '{}') as Snapshot;
    expect(update?.id).toBe(payload.id);
    expect(payload.id).not.toBe(snapshot.id);
    expect(payload.ingestedAt).toBe(new Date(receivedAt).toISOString());
    // Only what changed: a meter reading leaves the lighting section alone.
    expect(Object.keys(payload.sections)).toEqual(['energy']);
    expect(payload.sections.energy?.powerNow.consumptionW).toBe(4750);
  });

  it('sends the lighting section when a controller reports a new level', async () => {
    f = await createPublicFeedApp(dialect);
    const client = await open();
    await client.waitForEvents(1);
    await f.ingest([
      f.lightingEvent(1, 'level-changed', {
        zone: 'lane',
        level: 0,
        previous: 80,
        mode: 'off',
        reasons: ['astro: day (switched off at 08:38: sunrise 08:38 +0 min)'],
      }),
      f.lightingEvent(2, 'night-summary', {
        zone: 'lane',
        night: '2026-11-24',
        energyWh: 600,
        baselineWh: 1000,
        savingsPct: 40,
        litHours: 14.5,
        minLevel: 60,
      }),
    ]);
    await f.clock.advance(250);
    const [, update] = await client.waitForEvents(2);
    const payload = JSON.parse(update?.data ?? '{}') as Snapshot;
    expect(Object.keys(payload.sections)).toEqual(['lighting']);
    expect(payload.sections.lighting).toMatchObject({
      zones: [
        {
          zone: 'lane',
          name: 'Chemin des Aigles',
          level: 0,
          mode: 'off',
          reason: 'astro: day (switched off at 08:38: sunrise 08:38 +0 min)',
        },
      ],
      litZones: 0,
      averageLitLevel: null,
      lastNight: { night: '2026-11-24', savingsPct: 40 },
    });
  });

  it('resumes a reconnecting viewer that has the current version without a snapshot', async () => {
    f = await createPublicFeedApp(dialect);
    const first = await open();
    const [snapshot] = await first.waitForEvents(1);
    const again = await open('/api/v1/public/live', { 'last-event-id': snapshot?.id ?? '' });
    await expect.poll(() => again.retries.length).toBe(1);
    const stale = await open('/api/v1/public/live', { 'last-event-id': 'old-1' });
    await stale.waitForEvents(1);
    expect(again.events).toEqual([]);
    expect(stale.events[0]?.event).toBe('snapshot');
  });

  it('refuses a stream past the cap with 503 PUBLIC_FEED_FULL, and frees a closed viewer’s place', async () => {
    f = await createPublicFeedApp(dialect, { maxStreams: 1, fullRetryAfterS: 20 });
    const viewer = await open('/capped/public/live');
    await viewer.waitForEvents(1);
    const refused = await fetch(`${f.url}/capped/public/live`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(await refused.json()).toEqual({
      error: {
        code: 'PUBLIC_FEED_FULL',
        message: 'the live feed serves 1 viewers already; try again in 20 s',
      },
    });
    // The app's own feed has its own (default) cap.
    expect((await open()).status).toBe(200);
    await viewer.close();
    // The server sees the closed socket a moment later: the place comes back, nothing leaks.
    await expect
      .poll(
        async () => {
          const next = await open('/capped/public/live');
          if (next.status !== 200) await next.close();
          return next.status;
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe(200);
  });

  it('ends open streams when the app closes', async () => {
    f = await createPublicFeedApp(dialect);
    const client = await open();
    await client.waitForEvents(1);
    await f.t.app.close();
    await expect.poll(() => client.ended).toBe(true);
  });

  it('serves the history chart by range, with the mean power of each bucket', async () => {
    f = await createPublicFeedApp(dialect);
    interface History {
      range: string;
      step: string;
      from: string;
      to: string;
      series: string[];
      data: (number | null)[][];
      totals: {
        consumptionKwh: number | null;
        productionKwh: number | null;
        greenShare: number | null;
      };
    }
    const day = await get<History>('/api/v1/public/history?range=day');
    expect(day.status).toBe(200);
    expect(day.headers.get('cache-control')).toBe('public, max-age=60');
    expect(day.body).toMatchObject({
      range: 'day',
      step: '15m',
      from: new Date(NOW - 86_400_000).toISOString(),
      to: new Date(NOW).toISOString(),
      series: ['consumptionKw', 'productionKw', 'greenShare'],
      // 24 h at 2.25 kW and 0.375 kW.
      totals: { consumptionKwh: 54, productionKwh: 9 },
    });
    const [times, consumption, production, share] = day.body.data;
    expect(times).toHaveLength(96);
    expect(times?.[0]).toBe((NOW - 86_400_000) / 1000);
    expect(new Set(consumption)).toEqual(new Set([2.25]));
    expect(new Set(production)).toEqual(new Set([0.375]));
    // (0.375 + 0.25 × (2.25 − 0.375)) / 2.25
    expect(share?.[0]).toBeCloseTo(0.375, 4);

    const week = await get<History>('/api/v1/public/history?range=week');
    expect(week.body.step).toBe('1h');
    expect(week.body.data[0]).toHaveLength(168);
    // Readings begin two days ago: the hours before hold nothing.
    expect(week.body.data[1]?.[0]).toBeNull();
    expect(week.body.data[1]?.at(-2)).toBe(2.25);
    const month = await get<History>('/api/v1/public/history?range=month');
    expect(month.body.step).toBe('1d');
    expect(month.body.data[0]).toHaveLength(30);
    // The last bucket is today in Paris, from local midnight.
    expect(month.body.data[0]?.at(-1)).toBe(Date.UTC(2026, 10, 24, 23) / 1000);

    const bad = await get<{ error: { code: string; message: string } }>(
      '/api/v1/public/history?range=year',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.message).toMatch(/^querystring\.range/);
  });

  it('documents the snapshot with every section in the OpenAPI document', async () => {
    f = await createPublicFeedApp(dialect);
    const doc = await get<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>('/docs/json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/public/live',
        '/api/v1/public/snapshot',
        '/api/v1/public/history',
      ]),
    );
    const text = JSON.stringify(doc.body.paths['/api/v1/public/snapshot']);
    expect(text).toContain('PublicEnergySection');
    expect(text).toContain('PublicLightingSection');
    expect(Object.keys(doc.body.components.schemas.PublicEnergySection?.properties ?? {})).toEqual([
      'powerNow',
      'today',
      'yesterday',
      'greenShare',
    ]);
  });
});
