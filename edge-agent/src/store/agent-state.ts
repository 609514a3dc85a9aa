import type { Database, Statement, Transaction } from 'better-sqlite3';
import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';

const Counter = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Small durable values: the MQTT session counter, the applied desired-config version and body, module caches. */
export class AgentState {
  readonly #select: Statement<[string], { value: string }>;
  readonly #upsert: Statement<[string, string]>;
  readonly #delete: Statement<[string]>;
  readonly #incrementTx: Transaction<(key: string) => number>;
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    this.#select = db.prepare('SELECT value FROM agent_state WHERE key = ?');
    this.#upsert = db.prepare(
      `INSERT INTO agent_state (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    this.#delete = db.prepare('DELETE FROM agent_state WHERE key = ?');
    this.#incrementTx = db.transaction((key) => {
      const next = (this.get(key, Counter) ?? 0) + 1;
      this.#upsert.run(key, JSON.stringify(next));
      return next;
    });
  }

  /**
   * The value stored under `key`, or undefined. A stored value that fails `schema` (a cache
   * written by an older agent, a damaged row) throws a ConfigError naming the key: a wrong value
   * is never returned as if it were right.
   */
  get<T>(key: string, schema: z.ZodType<T>): T | undefined {
    const row = this.#select.get(key);
    if (row === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(row.value);
    } catch {
      throw new ConfigError(`agent state "${key}"`, ['stored value is not JSON']);
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      throw new ConfigError(
        `agent state "${key}"`,
        result.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`),
      );
    }
    return result.data;
  }

  /** Stores `value` as JSON, durably (committed before returning). */
  set(key: string, value: unknown): void {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) {
      throw new TypeError(`agent state "${key}": ${typeof value} cannot be stored as JSON`);
    }
    this.#upsert.run(key, json);
  }

  /** Forgets `key`; returns whether it was stored. */
  delete(key: string): boolean {
    return this.#delete.run(key).changes === 1;
  }

  /**
   * Runs `fn` in one transaction of the agent database: every state write and outbox append it
   * makes commits together, with one disk sync instead of one each (a locker records a code as
   * used, the opening it expects and its event before pulsing the lock). `fn` must not await.
   */
  atomically<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /** Increments and returns an integer counter atomically (used for the session counter). */
  increment(key: string): number {
    // IMMEDIATE: read and write under one write lock, so two connections never hand out the
    // same value.
    return this.#incrementTx.immediate(key);
  }
}
