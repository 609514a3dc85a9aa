import type { Database } from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import { ManualClock, TOPICS } from '@hameau/protocol';
import { Outbox, type OutboxEntry } from '../../src/outbox/outbox.js';
import type { AgentIdentity } from '../../src/runtime/agent-module.js';
import { openAgentDb } from '../../src/store/agent-db.js';

/** The device every runtime test plays. */
export const AGENT: AgentIdentity = { site: 'gare', device: 'lockers', kind: 'locker' };

/** A pino logger whose JSON lines are kept for assertions. */
export function captureLog(): {
  log: Logger;
  lines: Record<string, unknown>[];
  text: () => string;
} {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { log, lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}

/** An in-memory agent database, a manual clock, an outbox and a captured log. */
export interface Harness {
  readonly db: Database;
  readonly clock: ManualClock;
  readonly outbox: Outbox;
  readonly log: Logger;
  readonly lines: Record<string, unknown>[];
  readonly logText: () => string;
  /** Everything in the outbox, oldest first. */
  entries(): OutboxEntry[];
}

export function harness(
  db: Database = openAgentDb(':memory:'),
  clock = new ManualClock(),
): Harness {
  const { log, lines, text } = captureLog();
  const outbox = new Outbox(db, { clock, maxRecords: 10_000, maxAgeMs: 86_400_000, log });
  return {
    db,
    clock,
    outbox,
    log,
    lines,
    logText: text,
    entries: () => outbox.oldest(10_000),
  };
}

/** The command results in the outbox, decoded and schema-checked by the protocol. */
export function commandResults(h: Harness) {
  return h
    .entries()
    .filter((e) => e.kind === 'command-result')
    .map((e) => {
      if (TOPICS.commandResult.match(e.topic) === null) throw new Error(`bad topic ${e.topic}`);
      return { topic: e.topic, critical: e.critical, ...TOPICS.commandResult.decode(e.payload) };
    });
}
