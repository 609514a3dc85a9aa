import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  CommandId,
  ProtocolError,
  TOPICS,
  every,
  type Clock,
  type CommandErrorCode,
  type CommandPayload,
} from '@hameau/protocol';
import type { CommandOutcome, ExecutedCommands } from '../store/executed-commands.js';
import { CommandError } from './command-error.js';
import type { CommandSource } from './command-source.js';
import { truncate, type OutboxWriter } from './outbox-writer.js';
import { withTimeout } from './with-timeout.js';

const DAY_MS = 86_400_000;

/** What the dispatcher works with. */
export interface CommandDispatcherOptions {
  /** The agent database holding both `executed` and the outbox, to commit them together. */
  readonly db: Database;
  readonly executed: ExecutedCommands;
  readonly writer: OutboxWriter;
  readonly commands: CommandSource;
  readonly clock: Clock;
  readonly log: Logger;
  /** A handler that has not answered by then is answered `TIMEOUT`; default 30 s. */
  readonly runTimeoutMs?: number;
  /** How long executed command ids are remembered (far longer than any expiry); default 7 days. */
  readonly keepExecutedMs?: number;
}

/** Counters for the agent's own health reports. */
export interface DispatcherStats {
  readonly received: number;
  /** Payloads dropped unanswered: not a command and no id to answer to. */
  readonly dropped: number;
  readonly duplicates: number;
  readonly running: number;
}

/**
 * Runs commands from the cloud, each at most once and each answered. A command is decoded,
 * checked for expiry, looked up and validated; then it is recorded as begun and acknowledged
 * (an `accepted` result in the outbox) in one transaction, durably, before it runs. The outcome
 * is recorded and its result appended to the outbox in one transaction too, so a power cut
 * leaves either both or neither. Refusals and duplicates are answered without `accepted`. A
 * repeated id is never run again: the stored outcome is sent again, for a cloud that missed it.
 * A command cut short by a restart is answered `INTERNAL` at the next start and not retried (an
 * unlock must not happen twice).
 */
export class CommandDispatcher {
  readonly #o: CommandDispatcherOptions;
  readonly #log: Logger;
  #received = 0;
  #dropped = 0;
  #duplicates = 0;
  #running = 0;
  #stopping = false;
  #idle: (() => void)[] = [];
  #stopPrune: (() => void) | null = null;

  constructor(options: CommandDispatcherOptions) {
    this.#o = options;
    this.#log = options.log.child({ component: 'commands' });
  }

  /** Answers commands a restart interrupted and starts pruning old ids. Call before `handle`. */
  start(): void {
    for (const c of this.#o.executed.unfinished()) {
      this.#log.warn(
        { id: c.id, command: c.name },
        'command interrupted by a restart; not retried',
      );
      this.#finish(c.id, c.name, error('INTERNAL', 'interrupted by a restart; not retried'), true);
    }
    const keep = this.#o.keepExecutedMs ?? 7 * DAY_MS;
    this.#prune(keep);
    this.#stopPrune ??= every(this.#o.clock, DAY_MS, () => {
      this.#prune(keep);
    });
  }

  /** Refuses new commands from now on; `settled()` then waits for the running ones. */
  stop(): void {
    this.#stopping = true;
    this.#stopPrune?.();
    this.#stopPrune = null;
  }

  /** Resolves when no command is running. */
  settled(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  stats(): DispatcherStats {
    return {
      received: this.#received,
      dropped: this.#dropped,
      duplicates: this.#duplicates,
      running: this.#running,
    };
  }

  /** Handles one command message (`name` from the topic); never rejects. */
  async handle(name: string, payload: Buffer): Promise<void> {
    this.#received++;
    this.#running++;
    try {
      await this.#handle(name, payload);
    } catch (err) {
      // Only the database or a bug gets here; the command stays unfinished and is answered
      // INTERNAL at the next start.
      this.#log.error({ err, command: name }, 'command handling failed');
    } finally {
      this.#running--;
      if (this.#running === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async #handle(name: string, payload: Buffer): Promise<void> {
    let cmd: CommandPayload;
    try {
      cmd = TOPICS.command.decode(payload);
    } catch (err) {
      this.#malformed(name, payload, err);
      return;
    }
    const { id } = cmd;
    const log = this.#log.child({ id, command: name, issuedBy: cmd.issuedBy });

    // Looked up before the expiry check: a command already run and redelivered after its
    // expiry must get its real outcome again, not an EXPIRED that contradicts it.
    const previous = this.#o.executed.get(id);
    if (previous !== undefined) {
      this.#duplicate(id, previous.name, previous.outcome, log);
      return;
    }
    if (Date.parse(cmd.expiresAt) <= this.#o.clock.now()) {
      log.warn({ expiresAt: cmd.expiresAt }, 'command expired; not executed');
      this.#record(id, name, error('EXPIRED', `expired at ${cmd.expiresAt}; not executed`), true);
      return;
    }
    if (this.#stopping) {
      this.#record(id, name, error('REFUSED', 'the agent is shutting down'), true);
      return;
    }
    const found = this.#o.commands.lookup(name);
    if (found.kind === 'unknown') {
      log.warn('unknown command');
      this.#record(id, name, error('UNKNOWN_COMMAND', `this device has no command ${name}`), true);
      return;
    }
    if (found.kind === 'unavailable') {
      log.warn({ module: found.module, state: found.state }, 'command refused: module not running');
      const message = `module ${found.module} is ${found.state}`;
      this.#record(id, name, error('REFUSED', message), true);
      return;
    }
    const { handler } = found;
    const critical = handler.critical ?? true;
    const args = handler.args.safeParse(cmd.args);
    if (!args.success) {
      // Paths and zod's messages only: argument values may be pickup codes.
      const problems = args.error.issues.map(
        (i) => `${i.path.join('.') || '(args)'}: ${i.message}`,
      );
      log.warn({ problems }, 'command refused: invalid arguments');
      this.#record(id, name, error('INVALID_ARGS', problems.join('; ')), critical);
      return;
    }
    if (!this.#accept(id, name, critical)) {
      // Another delivery of the same id got in between the lookup and here.
      this.#duplicate(id, name, this.#o.executed.get(id)?.outcome ?? null, log);
      return;
    }
    log.info('command running');
    const outcome = await this.#run(handler.run(args.data, { id, issuedBy: cmd.issuedBy }), log);
    log.info(
      { status: outcome.status, ...(outcome.status === 'error' && { code: outcome.error.code }) },
      'command done',
    );
    this.#finish(id, name, outcome, critical);
  }

  async #run(work: Promise<Record<string, unknown>>, log: Logger): Promise<CommandOutcome> {
    const timeoutMs = this.#o.runTimeoutMs ?? 30_000;
    try {
      const timed = await withTimeout(work, this.#o.clock, timeoutMs);
      if (!timed.done) {
        void work.then(
          () => {
            log.warn('command finished after its timeout; its TIMEOUT answer stands');
          },
          () => undefined,
        );
        return error('TIMEOUT', `no result within ${timeoutMs / 1000} s; it may still take effect`);
      }
      // Checked at run time: a handler written loosely may still return anything.
      const data: unknown = timed.value;
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        log.error('command handler returned something other than an object');
        return error('INTERNAL', 'the handler returned an invalid result');
      }
      return { status: 'ok', data: data as Record<string, unknown> };
    } catch (err) {
      if (err instanceof CommandError) return error(err.code, err.message);
      log.error({ err }, 'command handler threw');
      return error('INTERNAL', 'the command failed unexpectedly');
    }
  }

  /** Answers a payload that is not a valid command: to its id if it has one, else dropped. */
  #malformed(name: string, payload: Buffer, err: unknown): void {
    const id = idOf(payload);
    const problems =
      err instanceof ProtocolError && Array.isArray(err.details['issues'])
        ? (err.details['issues'] as { path: string; message: string }[])
            .map((i) => `${i.path || '(payload)'}: ${i.message}`)
            .join('; ')
        : 'not JSON';
    if (id === undefined) {
      this.#dropped++;
      this.#log.warn({ command: name, problems }, 'malformed command without an id; dropped');
      return;
    }
    this.#log.warn({ id, command: name, problems }, 'malformed command; answered');
    // Not recorded as executed: nothing ran, and a corrected resend under the same id may.
    this.#o.writer.commandResult(
      id,
      name,
      error('INVALID_ARGS', `invalid command: ${problems}`),
      true,
    );
  }

  #duplicate(id: string, name: string, outcome: CommandOutcome | null, log: Logger): void {
    this.#duplicates++;
    if (outcome !== null) {
      log.info('duplicate command; its stored result is sent again');
      this.#o.writer.commandResult(id, name, outcome, true);
      return;
    }
    log.warn('duplicate command while the first is still running');
    const message = 'already received and still running; its result will follow';
    this.#o.writer.commandResult(id, name, error('DUPLICATE', message), true);
  }

  /** Records `id` as begun and acknowledges it, together; false if `id` was already recorded. */
  #accept(id: string, name: string, critical: boolean): boolean {
    return this.#o.db.transaction(() => {
      if (!this.#o.executed.begin(id, name)) return false;
      this.#o.writer.commandAccepted(id, name, critical);
      return true;
    })();
  }

  /** Records a command that is answered without running, so a redelivery gets the same answer. */
  #record(id: string, name: string, outcome: CommandOutcome, critical: boolean): void {
    const recorded = this.#o.db.transaction(() => {
      if (!this.#o.executed.begin(id, name)) return false;
      this.#o.executed.finish(id, outcome);
      this.#o.writer.commandResult(id, name, outcome, critical);
      return true;
    })();
    if (!recorded) this.#duplicate(id, name, this.#o.executed.get(id)?.outcome ?? null, this.#log);
  }

  #finish(id: string, name: string, outcome: CommandOutcome, critical: boolean): void {
    this.#o.db.transaction(() => {
      this.#o.executed.finish(id, outcome);
      this.#o.writer.commandResult(id, name, outcome, critical);
    })();
  }

  #prune(keepMs: number): void {
    try {
      const n = this.#o.executed.prune(keepMs);
      if (n > 0) this.#log.debug({ pruned: n }, 'forgot old command ids');
    } catch (err) {
      this.#log.error({ err }, 'could not prune executed commands');
    }
  }
}

function error(code: CommandErrorCode, message: string): CommandOutcome {
  return { status: 'error', error: { code, message: truncate(message, 500) } };
}

/** The command id of a payload that failed validation, when it has a valid one. */
function idOf(payload: Buffer): string | undefined {
  try {
    const json: unknown = JSON.parse(payload.toString('utf8'));
    if (json === null || typeof json !== 'object' || !('id' in json)) return undefined;
    const id = CommandId.safeParse(json.id);
    return id.success ? id.data : undefined;
  } catch {
    return undefined;
  }
}
