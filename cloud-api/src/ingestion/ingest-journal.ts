import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';

/** One MQTT message as it reached the API, before any processing. */
export interface JournalEntry {
  readonly id: number;
  readonly topic: string;
  readonly payload: Buffer;
  readonly receivedAt: number;
}

/**
 * The API's intake log: every device message is written here before the broker gets its
 * PUBACK, and removed once it is stored and processed.
 *
 * Why: mqtt.js acknowledges a QoS 1 message when its handler calls back, and handles the next
 * message only after that. Holding acks until a batch is stored would make batches of one.
 * Acking at once and batching in memory would lose up to a batch if the API died. A local
 * append (one small SQLite insert, no fsync) lets the API ack at once, batch freely, survive a
 * crash or kill -9 of the API (the rows are in the OS's page cache, replayed at the next start)
 * and keep accepting data while the time-series database is down.
 *
 * `synchronous = NORMAL` in WAL mode: a committed row survives the process dying; a power cut
 * of the server itself may lose the last commits before the next checkpoint. An fsync per
 * message would cap intake at the disk's sync rate (hundreds per second).
 */
export class IngestJournal {
  readonly path: string;
  readonly #db: Database;
  readonly #insert: Statement<[string, Buffer, number]>;
  readonly #take: Statement<[number, number]>;
  readonly #remove: Statement<[number]>;
  readonly #count: Statement<[]>;
  #depth: number;

  constructor(path: string) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new BetterSqlite3(path);
    // Only this process ever opens the journal: holding the lock for good saves SQLite taking
    // and releasing it at every insert (measured: 14 → 9 µs of CPU per message).
    this.#db.pragma('locking_mode = EXCLUSIVE');
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS journal (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      topic TEXT NOT NULL,
      payload BLOB NOT NULL,
      received_at INTEGER NOT NULL
    )`);
    this.#insert = this.#db.prepare(
      'INSERT INTO journal (topic, payload, received_at) VALUES (?, ?, ?)',
    );
    this.#take = this.#db.prepare(
      'SELECT id, topic, payload, received_at AS receivedAt FROM journal WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.#remove = this.#db.prepare('DELETE FROM journal WHERE id <= ?');
    this.#count = this.#db.prepare('SELECT count(*) AS n FROM journal');
    this.#depth = (this.#count.get() as { n: number }).n;
  }

  /** Appends one message; when this returns, it survives the process dying. */
  append(topic: string, payload: Buffer, receivedAt: number): void {
    this.#insert.run(topic, payload, receivedAt);
    this.#depth++;
  }

  /** Up to `limit` entries after `afterId`, oldest first. */
  take(limit: number, afterId = 0): JournalEntry[] {
    return this.#take.all(afterId, limit) as JournalEntry[];
  }

  /** Removes every entry up to and including `id` (a batch that is done). */
  removeThrough(id: number): void {
    const removed = this.#remove.run(id).changes;
    this.#depth = Math.max(0, this.#depth - removed);
  }

  /** Entries waiting to be processed. */
  get depth(): number {
    return this.#depth;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
