import type { Database, Statement } from 'better-sqlite3';
import type { OutboxKind } from './outbox.js';

/**
 * The overflow policy's order: non-critical records of these kinds go first, oldest first within
 * a kind. Command results are always critical, so their entry only matters for rows an older
 * agent might have stored differently; critical records are never dropped.
 */
export const DROP_ORDER: readonly OutboxKind[] = ['telemetry', 'event', 'command-result'];

/** What one enforcement dropped. */
export interface CapsResult {
  readonly dropped: number;
  /** Ids dropped, so `append` can tell whether what it just stored survived. */
  readonly droppedIds: ReadonlySet<number>;
}

/**
 * The size and age caps as SQL over the outbox tables. Callers run `enforce` inside their own
 * write transaction, so a cap is never observed half-applied and costs no extra fsync.
 */
export class OutboxCaps {
  readonly #maxRecords: number;
  readonly #maxAgeMs: number;
  readonly #dropExpired: Statement<[number], { id: number }>;
  readonly #dropOldest: Statement<[OutboxKind, number], { id: number }>;
  readonly #counter: Statement<[string], { value: number }>;
  readonly #addDropped: Statement<[number]>;
  readonly #oldestCritical: Statement<[], { created_at: number }>;

  constructor(db: Database, maxRecords: number, maxAgeMs: number) {
    this.#maxRecords = maxRecords;
    this.#maxAgeMs = maxAgeMs;
    this.#dropExpired = db.prepare(
      'DELETE FROM outbox WHERE critical = 0 AND created_at < ? RETURNING id',
    );
    this.#dropOldest = db.prepare(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE critical = 0 AND kind = ? ORDER BY id LIMIT ?
       ) RETURNING id`,
    );
    this.#counter = db.prepare('SELECT value FROM outbox_counter WHERE name = ?');
    this.#addDropped = db.prepare(
      "UPDATE outbox_counter SET value = value + ? WHERE name = 'dropped'",
    );
    this.#oldestCritical = db.prepare(
      'SELECT created_at FROM outbox WHERE critical = 1 ORDER BY created_at LIMIT 1',
    );
  }

  /** Drops expired non-critical records, then the policy's order until under the size cap. */
  enforce(now: number): CapsResult {
    const droppedIds = new Set<number>();
    for (const { id } of this.#dropExpired.all(now - this.#maxAgeMs)) droppedIds.add(id);
    for (const kind of DROP_ORDER) {
      const excess = this.#value('depth') - this.#maxRecords;
      if (excess <= 0) break;
      for (const { id } of this.#dropOldest.all(kind, excess)) droppedIds.add(id);
    }
    if (droppedIds.size > 0) this.#addDropped.run(droppedIds.size);
    return { dropped: droppedIds.size, droppedIds };
  }

  /**
   * True when critical records alone break a cap: more of them than `maxRecords`, or one older
   * than `maxAgeMs`. The policy keeps them all, so only an operator (or the link coming back)
   * can resolve it.
   */
  criticalOverCap(now: number): boolean {
    if (this.#value('critical') > this.#maxRecords) return true;
    const oldest = this.#oldestCritical.get();
    return oldest !== undefined && oldest.created_at < now - this.#maxAgeMs;
  }

  #value(name: string): number {
    return this.#counter.get(name)?.value ?? 0;
  }
}
