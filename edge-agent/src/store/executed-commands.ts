import type { Database, Statement } from 'better-sqlite3';
import { z } from 'zod';
import {
  CommandErrorCode,
  CommandId,
  CommandName,
  ConfigError,
  ProtocolError,
  type Clock,
} from '@hameau/protocol';

/** How a command ended, as its `cmd-result` will carry it. */
export type CommandOutcome =
  | { status: 'ok'; data: Record<string, unknown> }
  | { status: 'error'; error: { code: CommandErrorCode; message: string } };

const CommandOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), data: z.record(z.string(), z.unknown()) }).strict(),
  z
    .object({
      status: z.literal('error'),
      error: z.object({ code: CommandErrorCode, message: z.string().max(500) }).strict(),
    })
    .strict(),
]);

interface Row {
  name: string;
  started_at: number;
  outcome: string | null;
}

/**
 * The durable record that makes command execution at-most-once: `begin` commits before the
 * command acts, so a redelivered or replayed command (QoS 1 may deliver twice, and the cloud may
 * retry) is recognised even across a crash and restart.
 */
export class ExecutedCommands {
  readonly #clock: Clock;
  readonly #begin: Statement<[string, string, number]>;
  readonly #finish: Statement<[string, number, string]>;
  readonly #get: Statement<[string], Row>;
  readonly #unfinished: Statement<[], { id: string; name: string; started_at: number }>;
  readonly #prune: Statement<[number]>;

  constructor(db: Database, clock: Clock) {
    this.#clock = clock;
    this.#begin = db.prepare(
      `INSERT INTO executed_command (id, name, started_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.#finish = db.prepare(
      'UPDATE executed_command SET outcome = ?, finished_at = ? WHERE id = ? AND outcome IS NULL',
    );
    this.#get = db.prepare('SELECT name, started_at, outcome FROM executed_command WHERE id = ?');
    this.#unfinished = db.prepare(
      `SELECT id, name, started_at FROM executed_command WHERE outcome IS NULL
       ORDER BY started_at, rowid`,
    );
    this.#prune = db.prepare('DELETE FROM executed_command WHERE started_at < ?');
  }

  /** Durably records that command `id` starts executing; false if `id` was already recorded (then it must not run again). */
  begin(id: string, name: string): boolean {
    check(CommandId, id, 'command id');
    check(CommandName, name, 'command name');
    return this.#begin.run(id, name, this.#clock.now()).changes === 1;
  }

  /** Stores the outcome of a begun command. Throws if `id` was never begun or already finished. */
  finish(id: string, outcome: CommandOutcome): void {
    const valid = check(CommandOutcomeSchema, outcome, 'command outcome');
    const changed = this.#finish.run(JSON.stringify(valid), this.#clock.now(), id).changes;
    if (changed === 0) {
      // A caller bug, not an operational condition: finishing twice or without begin() would
      // mean the at-most-once bookkeeping is being bypassed.
      throw new Error(
        this.#get.get(id) === undefined
          ? `executed commands: ${id} was never begun`
          : `executed commands: ${id} is already finished`,
      );
    }
  }

  get(id: string): { name: string; startedAt: number; outcome: CommandOutcome | null } | undefined {
    const row = this.#get.get(id);
    if (row === undefined) return undefined;
    return { name: row.name, startedAt: row.started_at, outcome: parseOutcome(id, row.outcome) };
  }

  /** Commands begun but never finished (the agent died mid-command), for the runtime to answer after a restart. */
  unfinished(): { id: string; name: string; startedAt: number }[] {
    return this.#unfinished.all().map((r) => ({ id: r.id, name: r.name, startedAt: r.started_at }));
  }

  /** Forgets records older than `olderThanMs`; returns how many. Commands expire long before. */
  prune(olderThanMs: number): number {
    return this.#prune.run(this.#clock.now() - olderThanMs).changes;
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ProtocolError('PAYLOAD_INVALID', `executed commands: invalid ${what}`, {
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}

function parseOutcome(id: string, stored: string | null): CommandOutcome | null {
  if (stored === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    throw new ConfigError(`executed command ${id}`, ['stored outcome is not JSON']);
  }
  const result = CommandOutcomeSchema.safeParse(json);
  if (!result.success) {
    throw new ConfigError(
      `executed command ${id}`,
      result.error.issues.map((i) => `outcome.${i.path.join('.')}: ${i.message}`),
    );
  }
  return result.data;
}
