import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { Outbox } from '../../src/outbox/outbox.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { useTempDirs } from '../store/temp-dir.js';
import { reading } from './builders.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/append-until-killed.ts', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Records the child must have committed before it is killed, so the kill lands mid-burst. */
const KILL_AFTER = 400;

/**
 * Runs the child until it has reported KILL_AFTER more seqs than its first, then SIGKILLs it
 * while it is still appending. Returns the highest seq it reported as committed.
 */
async function appendThenKill(path: string, mode: 'keep' | 'drain'): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', SCRIPT, path, mode],
    {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  let committed = 0;
  let firstSeen: number | null = null;
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'ready') continue;
      for (const seq of line.split(' ')) committed = Math.max(committed, Number(seq));
      firstSeen ??= committed;
      if (committed - firstSeen >= KILL_AFTER) break;
    }
  } finally {
    child.kill('SIGKILL');
  }
  const [code, signal] = (await exited) as [number | null, string | null];
  expect({ code, signal, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
  return committed;
}

/** Reopens the database after the kill and checks everything the outbox promises. */
function checkAfterCrash(path: string, committed: number, mode: 'keep' | 'drain') {
  const db = openAgentDb(path);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db
      .prepare<[], { id: number; seq: number; critical: number }>(
        'SELECT id, seq, critical FROM outbox ORDER BY id',
      )
      .all();
    const counter = (name: string) =>
      db.prepare('SELECT value FROM outbox_counter WHERE name = ?').pluck().get(name);
    const outbox = new Outbox(db, {
      clock: new ManualClock(),
      maxRecords: 1_000_000,
      maxAgeMs: 86_400_000 * 365 * 100,
      log: pino({ level: 'silent' }),
    });
    const last = outbox.lastSeq();

    // Nothing the child saw committed was lost, and the counter is ahead of every row.
    expect(last).toBeGreaterThanOrEqual(committed);
    expect(last).toBeGreaterThanOrEqual(rows.at(-1)?.seq ?? 0);
    // Rows kept are contiguous, in id order: acknowledgements only ever took the oldest.
    const first = rows[0]?.seq ?? 0;
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => first + i));
    if (mode === 'keep') {
      expect(first).toBe(1);
      expect(rows.length).toBe(last);
    } else if (rows.length > 0) {
      expect(rows.at(-1)?.seq).toBe(last);
    }
    // The trigger-kept counters agree with the rows.
    expect(counter('depth')).toBe(rows.length);
    expect(counter('critical')).toBe(rows.filter((r) => r.critical === 1).length);
    expect(outbox.stats().depth).toBe(rows.length);

    const next = outbox.append('telemetry', reading());
    expect(next.seq).toBe(last + 1);
    expect(next.id).toBeGreaterThan(rows.at(-1)?.id ?? 0);
    return { rows: rows.length, last };
  } finally {
    db.close();
  }
}

// Once on the OS tmp dir, once on the file system the repository (and a box's data) lives on.
describe.each([
  ['the OS tmp dir', undefined],
  ['the working disk', HERE],
])('a power cut mid-burst, on %s', (_where, base) => {
  const tempDir = useTempDirs('.power-cut-', base);

  it('loses no committed record and never repeats a seq', { timeout: 60_000 }, async () => {
    const path = join(tempDir(), 'agent.db');
    const committed = await appendThenKill(path, 'keep');
    checkAfterCrash(path, committed, 'keep');
  });

  it(
    'keeps the seq counter ahead when the newest rows had been acknowledged and deleted',
    { timeout: 60_000 },
    async () => {
      const path = join(tempDir(), 'agent.db');
      const committed = await appendThenKill(path, 'drain');
      checkAfterCrash(path, committed, 'drain');
      // A second cut after the restart: the counter still only moves forward.
      const again = await appendThenKill(path, 'drain');
      expect(again).toBeGreaterThan(committed + KILL_AFTER);
      checkAfterCrash(path, again, 'drain');
    },
  );
});
