import { Writable } from 'node:stream';
import type { Database } from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { OUTBOX_WARN_INTERVAL_MS, Outbox, type OutboxKind } from '../../src/outbox/outbox.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { commandResult, event, reading } from './builders.js';

const HOUR = 3_600_000;
const open: Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** An outbox on an in-memory database whose pino warnings are collected. */
function setup(maxRecords: number, maxAgeMs = 24 * HOUR) {
  const db = openAgentDb(':memory:');
  open.push(db);
  const clock = new ManualClock(Date.UTC(2026, 10, 25));
  const logs: { level: number; msg: string; dropped?: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(JSON.parse(chunk.toString('utf8')) as (typeof logs)[number]);
      done();
    },
  });
  const log = pino({ level: 'info' }, sink);
  const outbox = new Outbox(db, { clock, maxRecords, maxAgeMs, log });
  const warnings = () => logs.filter((l) => l.level === 40);
  return { db, clock, outbox, warnings, logs };
}

type Tag = [OutboxKind, boolean];
const tags = (outbox: Outbox): string[] =>
  outbox.oldest(1_000).map((e) => `${e.kind}${e.critical ? '!' : ''}#${e.seq}`);

describe('age cap', () => {
  it('drops non-critical records older than maxAgeMs, keeping critical ones', async () => {
    const { outbox, clock } = setup(1_000, 10 * HOUR);
    outbox.append('telemetry', reading()); // #1, t=0
    outbox.append('event', event()); // #2, t=0
    outbox.append('event', event(), { critical: true }); // #3, t=0
    await clock.advance(4 * HOUR);
    outbox.append('telemetry', reading()); // #4, t=4h
    await clock.advance(6 * HOUR);
    // Exactly maxAgeMs old is still within the cap.
    expect(outbox.enforceCaps()).toBe(0);
    await clock.advance(1);
    expect(outbox.enforceCaps()).toBe(2);
    expect(tags(outbox)).toEqual(['event!#3', 'telemetry#4']);
    expect(outbox.stats()).toMatchObject({ droppedTotal: 2, criticalOverCap: true });
    await clock.advance(4 * HOUR);
    // Applied on append too, not only when asked.
    outbox.append('telemetry', reading()); // #5
    expect(tags(outbox)).toEqual(['event!#3', 'telemetry#5']);
    expect(outbox.stats().droppedTotal).toBe(3);
  });

  it('clears criticalOverCap once the old critical record is acknowledged', async () => {
    const { outbox, clock, logs } = setup(1_000, HOUR);
    const unlock = outbox.append('command-result', commandResult('cmd-0001'));
    await clock.advance(2 * HOUR);
    outbox.enforceCaps();
    expect(outbox.stats().criticalOverCap).toBe(true);
    outbox.remove(unlock.id);
    expect(outbox.stats().criticalOverCap).toBe(false);
    outbox.enforceCaps();
    expect(logs.at(-1)?.msg).toBe('outbox: critical records are back within the caps');
  });
});

describe('size cap', () => {
  it('drops the oldest non-critical telemetry first, then events, never critical', () => {
    const { outbox } = setup(6);
    const plan: Tag[] = [
      ['event', false], // #1
      ['telemetry', false], // #2
      ['command-result', true], // #3
      ['event', true], // #4
      ['telemetry', false], // #5
      ['event', false], // #6
      ['telemetry', true], // #7
      ['telemetry', false], // #8
    ];
    for (const [kind, critical] of plan) {
      const build =
        kind === 'telemetry' ? reading() : kind === 'event' ? event() : commandResult('cmd-0001');
      outbox.append(kind, build, { critical });
    }
    // 8 > 6: the two oldest non-critical telemetry (#2, #5) went, although event #1 is older.
    expect(tags(outbox)).toEqual([
      'event#1',
      'command-result!#3',
      'event!#4',
      'event#6',
      'telemetry!#7',
      'telemetry#8',
    ]);
    outbox.append('event', event()); // #9: telemetry #8 is the last non-critical telemetry
    expect(tags(outbox)).toContain('event#9');
    expect(tags(outbox)).not.toContain('telemetry#8');
    outbox.append('event', event()); // #10: no telemetry left to drop, so the oldest event (#1)
    outbox.append('telemetry', reading()); // #11: the newest telemetry goes before any event
    expect(tags(outbox)).toEqual([
      'command-result!#3',
      'event!#4',
      'event#6',
      'telemetry!#7',
      'event#9',
      'event#10',
    ]);
    expect(outbox.stats()).toMatchObject({ depth: 6, droppedTotal: 5, criticalOverCap: false });
  });

  it('keeps every critical record over the cap, and says so', () => {
    const { outbox, warnings } = setup(3);
    for (let i = 0; i < 3; i++) outbox.append('command-result', commandResult(`cmd-000${i}`));
    expect(outbox.stats().criticalOverCap).toBe(false);
    const woken: number[] = [];
    outbox.onAppend((e) => woken.push(e.seq));
    const doomed = outbox.append('telemetry', reading()); // #4: dropped by its own append
    expect(tags(outbox)).toEqual(['command-result!#1', 'command-result!#2', 'command-result!#3']);
    expect(doomed.seq).toBe(4);
    expect(woken).toEqual([]);
    outbox.append('event', event(), { critical: true }); // #5: kept, over the cap
    outbox.append('command-result', commandResult('cmd-0009')); // #6: kept
    expect(outbox.stats()).toEqual({
      depth: 5,
      oldestAgeMs: 0,
      droppedTotal: 1,
      criticalOverCap: true,
    });
    expect(woken).toEqual([5, 6]);
    expect(warnings().map((w) => w.msg)).toEqual([
      'outbox over its caps: dropped the oldest non-critical records',
      'outbox: critical records alone exceed a cap; keeping them all',
    ]);
  });

  it('applies a lowered cap to an existing backlog in one go', () => {
    const { db, clock, outbox } = setup(100);
    for (let i = 0; i < 50; i++) outbox.append('telemetry', reading(i));
    for (let i = 0; i < 10; i++) outbox.append('event', event());
    const smaller = new Outbox(db, {
      clock,
      maxRecords: 5,
      maxAgeMs: HOUR,
      log: pino({ level: 'silent' }),
    });
    expect(smaller.enforceCaps()).toBe(55);
    expect(tags(smaller)).toEqual(['event#56', 'event#57', 'event#58', 'event#59', 'event#60']);
    expect(smaller.stats()).toMatchObject({ depth: 5, droppedTotal: 55 });
  });

  it('warns at most once a minute while dropping, with the count since the last warning', async () => {
    const { outbox, clock, warnings } = setup(2);
    for (let i = 0; i < 12; i++) {
      outbox.append('telemetry', reading(i));
      await clock.advance(10_000);
    }
    // Drops at appends 3..12 (t = 20 s .. 110 s): a warning at 20 s, the next one due at 80 s.
    expect(warnings().map((w) => w.dropped)).toEqual([1, 6]);
    expect(OUTBOX_WARN_INTERVAL_MS).toBe(60_000);
    expect(outbox.stats().droppedTotal).toBe(10);
  });

  it('keeps its depth and dropped counters across a reopen', () => {
    const { db, clock, outbox } = setup(2);
    for (let i = 0; i < 5; i++) outbox.append('telemetry', reading(i));
    const again = new Outbox(db, {
      clock,
      maxRecords: 2,
      maxAgeMs: HOUR,
      log: pino({ level: 'silent' }),
    });
    expect(again.stats()).toMatchObject({ depth: 2, droppedTotal: 3 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM outbox').get()).toEqual({ n: 2 });
  });
});
