import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, ProtocolError, TOPICS } from '@hameau/protocol';
import type { OutboxDeleteOn } from '../../src/outbox/outbox-config.js';
import { Outbox, type OutboxEntry, type OutboxOptions } from '../../src/outbox/outbox.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { useTempDirs } from '../store/temp-dir.js';
import { DEVICE, commandResult, event, reading } from './builders.js';

const tempDir = useTempDirs('hameau-outbox-');
const log = pino({ level: 'silent' });
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function setup(path = join(tempDir(), 'agent.db'), options: Partial<OutboxOptions> = {}) {
  const db = openAgentDb(path);
  open.push(db);
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
  const outbox = new Outbox(db, {
    clock,
    maxRecords: 1_000,
    maxAgeMs: 86_400_000,
    log,
    ...options,
  });
  return { db, clock, outbox, path };
}

const json = (e: OutboxEntry): Record<string, unknown> =>
  JSON.parse(e.payload.toString('utf8')) as Record<string, unknown>;

describe('Outbox seq', () => {
  it('starts at 1 and puts the seq and the clock time into the stored bytes', async () => {
    const { outbox, clock } = setup();
    expect(outbox.lastSeq()).toBe(0);
    const first = outbox.append('telemetry', reading(5));
    await clock.advance(1_500);
    const second = outbox.append('event', event());
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(second.id).toBeGreaterThan(first.id);
    expect(json(first)).toEqual({
      seq: 1,
      at: '2026-11-25T12:00:00.000Z',
      historical: false,
      source: 'meter-1',
      values: { power_w: 5 },
    });
    expect(second.createdAt - first.createdAt).toBe(1_500);
    // The stored bytes are exactly what the protocol accepts on the other side.
    expect(TOPICS.event.decode(second.payload)).toMatchObject({ seq: 2, subject: 'box-3' });
    expect(outbox.oldest(10)).toEqual([first, second]);
  });

  it('continues across close and reopen of the database file', () => {
    const a = setup();
    for (let i = 0; i < 5; i++) a.outbox.append('telemetry', reading(i));
    a.db.close();
    const b = setup(a.path);
    expect(b.outbox.lastSeq()).toBe(5);
    expect(b.outbox.append('telemetry', reading()).seq).toBe(6);
    expect(b.outbox.oldest(100).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never reuses a seq or an id after every row was acknowledged and deleted', () => {
    const a = setup();
    const sent = [1, 2, 3].map(() => a.outbox.append('telemetry', reading()));
    for (const e of sent) a.outbox.remove(e.id);
    expect(a.outbox.stats().depth).toBe(0);
    a.db.close();
    const b = setup(a.path);
    const next = b.outbox.append('telemetry', reading());
    expect(next.seq).toBe(4);
    expect(next.id).toBeGreaterThan(sent[2]?.id ?? Infinity);
  });

  it('hands out unique, contiguous seqs to interleaved async producers', async () => {
    const { outbox } = setup();
    const producer = async (n: number) => {
      const seqs: number[] = [];
      for (let i = 0; i < n; i++) {
        seqs.push(outbox.append('telemetry', reading(i)).seq);
        await Promise.resolve();
      }
      return seqs;
    };
    const all = (await Promise.all([producer(40), producer(40), producer(40)])).flat();
    expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('stays contiguous with two connections to the same file appending in turn', () => {
    const a = setup();
    const b = setup(a.path);
    const seqs: number[] = [];
    for (let i = 0; i < 20; i++) {
      seqs.push(a.outbox.append('telemetry', reading()).seq);
      seqs.push(b.outbox.append('event', event()).seq);
    }
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(a.outbox.stats().depth).toBe(40);
  });

  it('consumes no seq when build throws or builds an invalid message', () => {
    const { outbox } = setup();
    expect(() =>
      outbox.append('telemetry', () => {
        throw new Error('meter went away');
      }),
    ).toThrow('meter went away');
    // Not the seq it was given: a record the cloud would deduplicate wrongly.
    expect(() => outbox.append('telemetry', (seq, at) => reading()(seq + 1, at))).toThrow(
      ProtocolError,
    );
    // Valid telemetry on an event topic: the link could never publish it.
    expect(() => outbox.append('event', reading())).toThrow(ProtocolError);
    // A schema violation: the validation error lists the offending field.
    const bad = () =>
      outbox.append('telemetry', (seq, at) => ({
        topic: TOPICS.telemetry.build({ ...DEVICE, stream: 'energy' }),
        payload: { seq, at, historical: false, source: 'meter-1', values: { power_w: 'high' } },
      }));
    expect(bad).toThrow(expect.objectContaining({ code: 'PAYLOAD_INVALID' }));
    expect(outbox.lastSeq()).toBe(0);
    expect(outbox.stats().depth).toBe(0);
    expect(outbox.append('telemetry', reading()).seq).toBe(1);
  });

  it('stores all of appendMany or, if one fails, none', () => {
    const { outbox } = setup();
    const batch = outbox.appendMany([
      { kind: 'telemetry', build: reading(1) },
      { kind: 'telemetry', build: reading(2) },
      { kind: 'event', build: event(), critical: true },
    ]);
    expect(batch.map((e) => [e.seq, e.kind, e.critical])).toEqual([
      [1, 'telemetry', false],
      [2, 'telemetry', false],
      [3, 'event', true],
    ]);
    expect(() =>
      outbox.appendMany([
        { kind: 'telemetry', build: reading(3) },
        { kind: 'event', build: reading(4) },
      ]),
    ).toThrow(ProtocolError);
    expect(outbox.lastSeq()).toBe(3);
    expect(outbox.oldest(10)).toEqual(batch);
    expect(outbox.appendMany([])).toEqual([]);
  });

  it('marks command results critical even when the caller does not', () => {
    const { outbox } = setup();
    const result = outbox.append('command-result', commandResult('cmd-0001'), { critical: false });
    expect(result.critical).toBe(true);
    expect(outbox.oldest(1)[0]?.critical).toBe(true);
  });
});

describe('Outbox delivery', () => {
  it('pages oldest-first with limit and afterId', () => {
    const { outbox } = setup();
    const all = Array.from({ length: 7 }, (_, i) => outbox.append('telemetry', reading(i)));
    const ids = (es: OutboxEntry[]) => es.map((e) => e.id);
    expect(ids(outbox.oldest(3))).toEqual(ids(all.slice(0, 3)));
    expect(ids(outbox.oldest(3, all[2]?.id))).toEqual(ids(all.slice(3, 6)));
    expect(ids(outbox.oldest(3, all[5]?.id))).toEqual(ids(all.slice(6)));
    expect(outbox.oldest(3, all[6]?.id)).toEqual([]);
    expect(outbox.oldest(0)).toEqual([]);
  });

  it('deletes only what the broker acknowledged, ignoring unknown ids', () => {
    const { outbox } = setup();
    const [a, b, c] = [1, 2, 3].map((v) => outbox.append('telemetry', reading(v)));
    outbox.remove(b?.id ?? -1);
    outbox.remove(b?.id ?? -1);
    outbox.remove(999_999);
    expect(outbox.oldest(10).map((e) => e.seq)).toEqual([a?.seq, c?.seq]);
    outbox.removeMany([a?.id ?? -1, c?.id ?? -1, 424_242]);
    expect(outbox.stats()).toMatchObject({ depth: 0, oldestAgeMs: null });
  });

  it('reports depth and the age of the oldest record from the clock', async () => {
    const { outbox, clock } = setup();
    expect(outbox.stats()).toEqual({
      depth: 0,
      oldestAgeMs: null,
      droppedTotal: 0,
      criticalOverCap: false,
    });
    const first = outbox.append('telemetry', reading());
    await clock.advance(60_000);
    outbox.append('command-result', commandResult('cmd-0001'));
    await clock.advance(30_000);
    expect(outbox.stats()).toMatchObject({ depth: 2, oldestAgeMs: 90_000 });
    outbox.remove(first.id);
    // The critical record is now the oldest; it counts the same.
    expect(outbox.stats()).toMatchObject({ depth: 1, oldestAgeMs: 30_000 });
  });

  it('wakes listeners after the append is stored, until they unsubscribe', () => {
    const { outbox } = setup();
    const seen: { seq: number; depth: number }[] = [];
    const stop = outbox.onAppend((e) => seen.push({ seq: e.seq, depth: outbox.stats().depth }));
    outbox.append('telemetry', reading());
    outbox.appendMany([
      { kind: 'telemetry', build: reading() },
      { kind: 'event', build: event() },
    ]);
    stop();
    outbox.append('telemetry', reading());
    expect(seen).toEqual([
      { seq: 1, depth: 1 },
      { seq: 2, depth: 3 },
      { seq: 3, depth: 3 },
    ]);
  });

  it('keeps the append when a listener throws, and still wakes the others', () => {
    const { outbox } = setup();
    const woken: number[] = [];
    outbox.onAppend(() => {
      throw new Error('listener bug');
    });
    outbox.onAppend((e) => woken.push(e.seq));
    expect(outbox.append('telemetry', reading()).seq).toBe(1);
    expect(woken).toEqual([1]);
    expect(outbox.stats().depth).toBe(1);
  });

  it('refuses invalid caps, listing every problem', () => {
    const db = openAgentDb(':memory:');
    open.push(db);
    const clock = new ManualClock();
    expect(() => new Outbox(db, { clock, maxRecords: 0, maxAgeMs: 1.5, log })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        problems: [expect.stringContaining('maxRecords'), expect.stringContaining('maxAgeMs')],
      }),
    );
  });
});

describe('Outbox inside a caller transaction', () => {
  it('wakes listeners only after the outer transaction committed', async () => {
    const { db, outbox } = setup();
    const woken: number[] = [];
    outbox.onAppend((e) => woken.push(e.seq));
    db.transaction(() => {
      outbox.append('command-result', commandResult('cmd-0001'));
      // Not committed yet: nothing may be published.
      expect(woken).toEqual([]);
    })();
    await Promise.resolve();
    expect(woken).toEqual([1]);
  });

  it('never wakes listeners for a record rolled back with the outer transaction', async () => {
    const { db, outbox } = setup();
    const woken: string[] = [];
    outbox.onAppend((e) => woken.push(`${e.seq}:${e.kind}`));
    expect(() => {
      db.transaction(() => {
        outbox.append('command-result', commandResult('cmd-0001'));
        throw new Error('the command log write failed');
      })();
    }).toThrow('the command log write failed');
    // The seq rolled back with it, and is handed to the next record in the same tick.
    const next = outbox.append('telemetry', reading());
    expect(next.seq).toBe(1);
    await Promise.resolve();
    expect(woken).toEqual(['1:telemetry']);
    expect(outbox.oldest(10)).toEqual([next]);
  });
});

describe('Outbox cloud acknowledgements', () => {
  const seqs = (outbox: Outbox) => outbox.oldest(100).map((e) => e.seq);

  it('deletes exactly the records whose seq lies in the ranges, bounds included', () => {
    const { outbox } = setup();
    for (let i = 1; i <= 12; i++) outbox.append('telemetry', reading(i));
    outbox.append('command-result', commandResult('cmd-0001'));
    const removed = outbox.removeSeqRanges([
      [2, 4],
      [7, 7],
      [10, 13],
    ]);
    expect(removed).toBe(8);
    expect(seqs(outbox)).toEqual([1, 5, 6, 8, 9]);
    // Critical only matters to the caps: a stored command result is done with like the rest.
    expect(outbox.stats()).toMatchObject({ depth: 5 });
  });

  it('ignores seqs it no longer holds, so the same ranges can come again', () => {
    const { outbox } = setup();
    for (let i = 1; i <= 5; i++) outbox.append('telemetry', reading(i));
    expect(outbox.removeSeqRanges([[1, 3]])).toBe(3);
    expect(outbox.removeSeqRanges([[1, 3]])).toBe(0);
    expect(outbox.removeSeqRanges([[100, 200]])).toBe(0);
    expect(outbox.removeSeqRanges([])).toBe(0);
    expect(seqs(outbox)).toEqual([4, 5]);
    // Records stored after the ranges were computed are untouched by them.
    outbox.append('telemetry', reading(6));
    expect(outbox.removeSeqRanges([[1, 5]])).toBe(2);
    expect(seqs(outbox)).toEqual([6]);
  });

  it('makes the deletion durable', () => {
    const a = setup();
    for (let i = 1; i <= 4; i++) a.outbox.append('telemetry', reading(i));
    a.outbox.removeSeqRanges([[1, 2]]);
    a.db.close();
    const b = setup(a.path);
    expect(seqs(b.outbox)).toEqual([3, 4]);
    expect(b.outbox.stats().depth).toBe(2);
    expect(b.outbox.lastSeq()).toBe(4);
  });

  it('keeps records until the cloud acknowledges them unless told to delete at PUBACK', () => {
    expect(setup().outbox.deleteOn).toBe('cloud-ack');
    expect(setup(undefined, { deleteOn: 'puback' }).outbox.deleteOn).toBe('puback');
    const db = openAgentDb(':memory:');
    open.push(db);
    const options = { clock: new ManualClock(), maxRecords: 1, maxAgeMs: 1, log };
    expect(() => new Outbox(db, { ...options, deleteOn: 'broker' as OutboxDeleteOn })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
