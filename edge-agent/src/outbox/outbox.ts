import type { Database, Statement, Transaction } from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { ConfigError, type Clock } from '@hameau/protocol';
import { OutboxCaps } from './outbox-caps.js';
import { OutboxDeleteOn } from './outbox-config.js';
import { encodeOutboxPayload } from './outbox-payload.js';
import type { SeqRangeList } from './seq-range-list.js';

export type OutboxKind = 'telemetry' | 'event' | 'command-result';

/** One stored message, waiting to be acknowledged (see `OutboxOptions.deleteOn`). */
export interface OutboxEntry {
  /** Insertion order, strictly increasing, never reused. */
  readonly id: number;
  /** Per-device monotonic, from 1, never reused (not even after a crash). */
  readonly seq: number;
  readonly kind: OutboxKind;
  readonly topic: string;
  /** The JSON bytes to publish (built by `append`'s callback, with seq and at inside). */
  readonly payload: Buffer;
  /** Clock ms. */
  readonly createdAt: number;
  readonly critical: boolean;
}

/** What the link reports as the outbox's own telemetry. */
export interface OutboxStats {
  readonly depth: number;
  readonly oldestAgeMs: number | null;
  /** Records dropped by the caps since the database was created (survives restarts). */
  readonly droppedTotal: number;
  /** Critical records alone break a cap; they are kept, and an operator should look. */
  readonly criticalOverCap: boolean;
}

export interface OutboxOptions {
  readonly clock: Clock;
  readonly maxRecords: number;
  readonly maxAgeMs: number;
  /** Which acknowledgement deletes a record (the link applies it); defaults to `cloud-ack`. */
  readonly deleteOn?: OutboxDeleteOn;
  /** Where cap warnings go; defaults to a pino logger named `outbox` on stdout. */
  readonly log?: Logger;
}

/** Builds the message for the seq and ISO timestamp the outbox hands out. */
export type OutboxBuild = (seq: number, at: string) => { topic: string; payload: unknown };

/** One message of `appendMany`. */
export interface OutboxItem {
  readonly kind: OutboxKind;
  readonly build: OutboxBuild;
  readonly critical?: boolean;
}

/** At most one cap warning per interval, so a box at its cap does not flood its own logs. */
export const OUTBOX_WARN_INTERVAL_MS = 60_000;

const Limits = z.object({
  maxRecords: z.number().int().min(1),
  maxAgeMs: z.number().int().min(1),
  deleteOn: OutboxDeleteOn.default('cloud-ack'),
});

interface Row {
  id: number;
  seq: number;
  kind: OutboxKind;
  topic: string;
  payload: Buffer;
  created_at: number;
  critical: number;
}

const toEntry = (r: Row): OutboxEntry => ({
  id: r.id,
  seq: r.seq,
  kind: r.kind,
  topic: r.topic,
  payload: r.payload,
  createdAt: r.created_at,
  critical: r.critical === 1,
});

/**
 * The durable outbox: every reading, event and command result is stored here before anything
 * is published, and deleted only once it is acknowledged: by the cloud (its `ingested` seq
 * ranges) or, with `deleteOn: 'puback'`, by the broker. See docs/outbox.md.
 */
export class Outbox {
  /** Which acknowledgement deletes a record; the link that drains this outbox applies it. */
  readonly deleteOn: OutboxDeleteOn;
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #caps: OutboxCaps;
  readonly #listeners = new Set<(entry: OutboxEntry) => void>();
  readonly #bumpSeq: Statement<[], { value: number }>;
  readonly #insert: Statement<[number, OutboxKind, string, Buffer, number, number], { id: number }>;
  readonly #after: Statement<[number, number], Row>;
  readonly #byId: Statement<[number], { seq: number; payload: Buffer }>;
  readonly #delete: Statement<[number]>;
  readonly #deleteSeqs: Statement<[number, number]>;
  readonly #counter: Statement<[string], { value: number }>;
  readonly #oldest: Statement<[number], { created_at: number }>;
  readonly #appendTx: Transaction<(items: readonly OutboxItem[], now: number) => AppendResult>;
  readonly #enforceTx: Transaction<(now: number) => number>;
  readonly #removeTx: Transaction<(ids: readonly number[]) => void>;
  readonly #removeSeqsTx: Transaction<(ranges: SeqRangeList) => number>;
  #pendingDropWarning = 0;
  #lastDropWarningAt: number | null = null;
  #lastCriticalWarningAt: number | null = null;

  constructor(db: Database, options: OutboxOptions) {
    const limits = Limits.safeParse(options);
    if (!limits.success) {
      throw new ConfigError(
        'outbox options',
        limits.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    }
    this.#db = db;
    this.deleteOn = limits.data.deleteOn;
    this.#clock = options.clock;
    this.#log = options.log ?? pino({ name: 'outbox' });
    this.#caps = new OutboxCaps(db, limits.data.maxRecords, limits.data.maxAgeMs);
    this.#bumpSeq = db.prepare(
      "UPDATE outbox_counter SET value = value + 1 WHERE name = 'seq' RETURNING value",
    );
    this.#insert = db.prepare(
      `INSERT INTO outbox (seq, kind, topic, payload, created_at, critical)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    this.#after = db.prepare('SELECT * FROM outbox WHERE id > ? ORDER BY id LIMIT ?');
    this.#byId = db.prepare('SELECT seq, payload FROM outbox WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM outbox WHERE id = ?');
    // seq is UNIQUE, so this walks its index: one cheap range scan per range.
    this.#deleteSeqs = db.prepare('DELETE FROM outbox WHERE seq BETWEEN ? AND ?');
    this.#counter = db.prepare('SELECT value FROM outbox_counter WHERE name = ?');
    this.#oldest = db.prepare(
      'SELECT created_at FROM outbox WHERE critical = ? ORDER BY created_at LIMIT 1',
    );
    this.#appendTx = db.transaction((items, now) => this.#store(items, now));
    this.#enforceTx = db.transaction((now) => this.#caps.enforce(now).dropped);
    this.#removeTx = db.transaction((ids) => {
      for (const id of ids) this.#delete.run(id);
    });
    this.#removeSeqsTx = db.transaction((ranges) => {
      let removed = 0;
      for (const [from, to] of ranges) removed += this.#deleteSeqs.run(from, to).changes;
      return removed;
    });
  }

  /**
   * Assigns the next seq and stores the message in one durable transaction; `build` receives the
   * seq and the ISO timestamp (from the clock) and returns the topic and the payload object (which
   * must contain them). Enforces the caps after inserting. Command results are always critical.
   */
  append(kind: OutboxKind, build: OutboxBuild, options: { critical?: boolean } = {}): OutboxEntry {
    const [entry] = this.appendMany([{ kind, build, ...options }]);
    if (entry === undefined) throw new Error('outbox: appendMany returned nothing for one item');
    return entry;
  }

  /**
   * `append` for several messages in one transaction (one fsync instead of one each), e.g. the
   * readings of one meter poll. All are stored or, if one `build` throws or is invalid, none.
   * An entry the caps drop at once (only critical records fill the outbox) is still returned,
   * but no listener is woken for it. Inside a caller's transaction, listeners are woken in a
   * microtask, once that transaction has committed, and only if it did.
   */
  appendMany(items: readonly OutboxItem[]): OutboxEntry[] {
    if (items.length === 0) return [];
    const now = this.#clock.now();
    // IMMEDIATE takes the write lock first: a second connection cannot slip a seq in between.
    const { entries, dropped, droppedIds } = this.#appendTx.immediate(items, now);
    this.#afterEnforce(dropped, now);
    // A record dropped by its own append's cap was never deliverable: nobody is woken for it.
    const kept = entries.filter((e) => !droppedIds.has(e.id));
    if (this.#db.inTransaction) {
      // Called inside the caller's own transaction: nothing is durable until it commits, and a
      // rollback would hand the same seq to the next append, so a record published now could
      // make the cloud discard the real one as a duplicate. better-sqlite3 transactions are
      // synchronous, so by the next microtask the caller's has ended: wake listeners then, for
      // the records that were really committed.
      queueMicrotask(() => {
        for (const entry of kept) if (this.#isStored(entry)) this.#notify(entry);
      });
    } else {
      for (const entry of kept) this.#notify(entry);
    }
    return entries;
  }

  /** Up to `limit` entries in insertion order, with id > afterId (default: from the start). */
  oldest(limit: number, afterId = 0): OutboxEntry[] {
    return this.#after.all(afterId, limit).map(toEntry);
  }

  /** Deletes an entry once it is acknowledged; unknown ids are ignored. */
  remove(id: number): void {
    this.#delete.run(id);
  }

  /** `remove` for several PUBACKs in one transaction (one fsync). */
  removeMany(ids: readonly number[]): void {
    if (ids.length > 0) this.#removeTx.immediate(ids);
  }

  /**
   * Deletes every record whose seq lies in one of the inclusive ranges (what the cloud says it
   * has stored), in one durable transaction; returns how many were deleted. Seqs the outbox no
   * longer holds are ignored, so the same ranges can be applied any number of times.
   */
  removeSeqRanges(ranges: SeqRangeList): number {
    if (ranges.length === 0) return 0;
    return this.#removeSeqsTx.immediate(ranges);
  }

  stats(): OutboxStats {
    const now = this.#clock.now();
    const oldest = Math.min(
      this.#oldest.get(0)?.created_at ?? Infinity,
      this.#oldest.get(1)?.created_at ?? Infinity,
    );
    return {
      depth: this.#value('depth'),
      // A clock stepped back (NTP after a cold boot) must not report a negative age.
      oldestAgeMs: oldest === Infinity ? null : Math.max(0, now - oldest),
      droppedTotal: this.#value('dropped'),
      criticalOverCap: this.#caps.criticalOverCap(now),
    };
  }

  /** The last seq handed out (0 when none). */
  lastSeq(): number {
    return this.#value('seq');
  }

  /** Applies the size and age caps now (also done on append); returns how many were dropped. */
  enforceCaps(): number {
    const now = this.#clock.now();
    const dropped = this.#enforceTx.immediate(now);
    this.#afterEnforce(dropped, now);
    return dropped;
  }

  /** Subscribe to appends (the link wakes its drain loop); returns an unsubscribe function. */
  onAppend(listener: (entry: OutboxEntry) => void): () => void {
    // Wrapped, so subscribing the same function twice gives two independent subscriptions.
    const wrapped = (entry: OutboxEntry) => {
      listener(entry);
    };
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  #store(items: readonly OutboxItem[], now: number): AppendResult {
    const at = new Date(now).toISOString();
    const entries = items.map((item): OutboxEntry => {
      const seq = this.#bumpSeq.get()?.value;
      if (seq === undefined) throw new Error('outbox: the seq counter row is missing');
      const { topic, payload } = item.build(seq, at);
      const bytes = encodeOutboxPayload(item.kind, topic, payload, seq, at);
      const critical = item.kind === 'command-result' || item.critical === true;
      const row = this.#insert.get(seq, item.kind, topic, bytes, now, critical ? 1 : 0);
      if (row === undefined) throw new Error('outbox: INSERT returned no id');
      return { id: row.id, seq, kind: item.kind, topic, payload: bytes, createdAt: now, critical };
    });
    return { entries, ...this.#caps.enforce(now) };
  }

  #afterEnforce(dropped: number, now: number): void {
    this.#pendingDropWarning += dropped;
    if (this.#pendingDropWarning > 0 && this.#due(this.#lastDropWarningAt, now)) {
      this.#log.warn(
        { dropped: this.#pendingDropWarning, droppedTotal: this.#value('dropped') },
        'outbox over its caps: dropped the oldest non-critical records',
      );
      this.#pendingDropWarning = 0;
      this.#lastDropWarningAt = now;
    }
    if (this.#caps.criticalOverCap(now)) {
      if (this.#due(this.#lastCriticalWarningAt, now)) {
        this.#log.warn(
          { depth: this.#value('depth'), critical: this.#value('critical') },
          'outbox: critical records alone exceed a cap; keeping them all',
        );
        this.#lastCriticalWarningAt = now;
      }
    } else if (this.#lastCriticalWarningAt !== null) {
      this.#log.info('outbox: critical records are back within the caps');
      this.#lastCriticalWarningAt = null;
    }
  }

  #due(last: number | null, now: number): boolean {
    return last === null || now - last >= OUTBOX_WARN_INTERVAL_MS;
  }

  #isStored(entry: OutboxEntry): boolean {
    const row = this.#byId.get(entry.id);
    return row?.seq === entry.seq && row.payload.equals(entry.payload);
  }

  #notify(entry: OutboxEntry): void {
    for (const listener of this.#listeners) {
      try {
        listener(entry);
      } catch (err) {
        // The entry is already durable: a failing listener must not make append look failed.
        this.#log.error({ err, id: entry.id }, 'outbox: append listener threw');
      }
    }
  }

  #value(name: string): number {
    return this.#counter.get(name)?.value ?? 0;
  }
}

interface AppendResult {
  readonly entries: OutboxEntry[];
  readonly dropped: number;
  readonly droppedIds: ReadonlySet<number>;
}
