import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { Outbox, type OutboxItem } from '../../src/outbox/outbox.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { useTempDirs } from '../store/temp-dir.js';
import { reading } from './builders.js';

/**
 * Measures, never asserts, how fast the outbox stores records on this machine, for
 * docs/outbox.md: one fsync'd transaction per append against one per batch of a meter poll.
 * The assertions only check that every record arrived.
 */
const tempDir = useTempDirs('.throughput-', fileURLToPath(new URL('.', import.meta.url)));
const POLL = 20;
const ROUNDS = 300;

function measure(label: string, records: number, run: () => void): number {
  const start = performance.now();
  run();
  const perSecond = Math.round(records / ((performance.now() - start) / 1000));
  console.log(`${label}: ${records} records, ${perSecond.toLocaleString('en')} records/s`);
  return perSecond;
}

function outboxOn(path: string, synchronous: 'FULL' | 'NORMAL') {
  const db = openAgentDb(path);
  db.pragma(`synchronous = ${synchronous}`);
  const outbox = new Outbox(db, {
    clock: new ManualClock(),
    maxRecords: 1_000_000,
    maxAgeMs: 86_400_000,
    log: pino({ level: 'silent' }),
  });
  return { db, outbox };
}

const poll = (): OutboxItem[] =>
  Array.from({ length: POLL }, (_, i) => ({ kind: 'telemetry', build: reading(i * 1.5) }));

it('measures single appends against batched appends and removes', { timeout: 60_000 }, () => {
  const results: Record<string, number> = {};
  for (const synchronous of ['FULL', 'NORMAL'] as const) {
    const path = join(tempDir(), 'agent.db');
    const { db, outbox } = outboxOn(path, synchronous);
    try {
      results[`append ${synchronous}`] = measure(
        `append, synchronous=${synchronous}`,
        ROUNDS,
        () => {
          for (let i = 0; i < ROUNDS; i++) outbox.append('telemetry', reading(i));
        },
      );
      results[`appendMany ${synchronous}`] = measure(
        `appendMany x${POLL}, synchronous=${synchronous}`,
        ROUNDS * POLL,
        () => {
          for (let i = 0; i < ROUNDS; i++) outbox.appendMany(poll());
        },
      );
      const ids = outbox.oldest(1_000_000).map((e) => e.id);
      results[`remove ${synchronous}`] = measure(
        `remove, synchronous=${synchronous}`,
        ROUNDS,
        () => {
          for (const id of ids.slice(0, ROUNDS)) outbox.remove(id);
        },
      );
      const rest = ids.slice(ROUNDS);
      results[`removeMany ${synchronous}`] = measure(
        `removeMany x${POLL}, synchronous=${synchronous}`,
        rest.length,
        () => {
          for (let i = 0; i < rest.length; i += POLL) outbox.removeMany(rest.slice(i, i + POLL));
        },
      );
      expect(outbox.stats().depth).toBe(0);
      expect(outbox.lastSeq()).toBe(ROUNDS + ROUNDS * POLL);
    } finally {
      db.close();
    }
  }
  console.log(JSON.stringify(results));
  expect(Object.values(results).every((v) => v > 0)).toBe(true);
});

it('measures the disk space of a full backlog', { timeout: 60_000 }, () => {
  const path = join(tempDir(), 'agent.db');
  const { db, outbox } = outboxOn(path, 'FULL');
  try {
    const records = 20_000;
    for (let i = 0; i < records / POLL; i++) outbox.appendMany(poll());
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = statSync(path).size;
    const payload = outbox.oldest(1)[0]?.payload.length ?? 0;
    console.log(
      `${records} records of ${payload}-byte payloads: ${(bytes / 1e6).toFixed(1)} MB, ` +
        `${Math.round(bytes / records)} bytes/record`,
    );
    expect(outbox.stats().depth).toBe(records);
  } finally {
    db.close();
  }
});
