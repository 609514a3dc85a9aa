import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';
import type { MessageOrigin } from './ingested-message.js';
import { SeqRanges } from './seq-ranges.js';

/** What the ledger knows of one device. */
export interface DeviceCursor {
  readonly seen: SeqRanges;
  /** The highest session counter seen in a status message; -1 before any. */
  session: number;
  dirty: boolean;
}

/**
 * Ranges kept per device before the lowest gaps are given up as lost. 256 ranges is far more
 * than a replay in flight needs, and a device that drops readings now and then stays small.
 */
const MAX_RANGES = 256;

/** Devices per upsert statement. */
const UPSERT_CHUNK = 500;

const keyOf = (o: MessageOrigin) => `${o.site}/${o.device}`;

/** The origin of a key (site and device ids never contain `/`). */
const originOf = (key: string): MessageOrigin => {
  const slash = key.indexOf('/');
  return { site: key.slice(0, slash), device: key.slice(slash + 1) };
};

/**
 * The (device, seq) pairs already ingested, cached in memory and saved in `ingest_cursors` in
 * the same pass that records a batch as done. One ingestion process owns a database's ledger
 * (the broker refuses shared subscriptions, so two API instances would each get every message
 * anyway; see docs/decisions.md).
 */
export class SeqLedger {
  readonly #db: Kysely<Schema>;
  readonly #cursors = new Map<string, DeviceCursor>();

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  /** Loads the cursors of these devices that are not cached yet, in one query. */
  async load(origins: Iterable<MessageOrigin>): Promise<void> {
    const missing = new Map<string, MessageOrigin>();
    for (const o of origins) {
      const key = keyOf(o);
      if (!this.#cursors.has(key)) missing.set(key, o);
    }
    if (missing.size === 0) return;
    const sites = [...new Set([...missing.values()].map((o) => o.site))];
    const rows = await this.#db
      .selectFrom('ingest_cursors')
      .select(['site_id', 'device_id', 'seen', 'session'])
      .where('site_id', 'in', sites)
      .where(
        'device_id',
        'in',
        [...missing.values()].map((o) => o.device),
      )
      .execute();
    for (const row of rows) {
      const key = `${row.site_id}/${row.device_id}`;
      if (!missing.has(key)) continue;
      this.#cursors.set(key, {
        seen: SeqRanges.parse(row.seen),
        session: row.session,
        dirty: false,
      });
    }
    for (const key of missing.keys()) {
      if (!this.#cursors.has(key)) {
        this.#cursors.set(key, { seen: new SeqRanges(), session: -1, dirty: false });
      }
    }
  }

  /** The cursor of a loaded device. */
  cursor(origin: MessageOrigin): DeviceCursor {
    const cursor = this.#cursors.get(keyOf(origin));
    if (!cursor) throw new Error(`ledger: ${keyOf(origin)} was not loaded`);
    return cursor;
  }

  /** The cached cursor, if any (for status pages: gaps, highest seq). */
  peek(origin: MessageOrigin): DeviceCursor | undefined {
    return this.#cursors.get(keyOf(origin));
  }

  /** Every cached device with its cursor: the devices ingested since the cache was filled. */
  *cached(): IterableIterator<[MessageOrigin, DeviceCursor]> {
    for (const [key, cursor] of this.#cursors) yield [originOf(key), cursor];
  }

  /** Forgets a device's seqs: its agent lost its database and counts from 1 again. */
  reset(origin: MessageOrigin, session: number): void {
    this.#cursors.set(keyOf(origin), { seen: new SeqRanges(), session, dirty: true });
  }

  /** Writes every changed cursor, a few hundred per statement (one round trip on PostgreSQL). */
  async save(now: number): Promise<void> {
    const dirty = [...this.#cursors.entries()].filter(([, c]) => c.dirty);
    if (dirty.length === 0) return;
    const rows = dirty.map(([key, cursor]) => {
      cursor.seen.compact(MAX_RANGES);
      const { site, device } = originOf(key);
      return {
        site_id: site,
        device_id: device,
        seen: JSON.stringify(cursor.seen.toJSON()),
        session: cursor.session,
        updated_at: now,
      };
    });
    // Chunks keep each statement far below SQLite's limit on bound parameters.
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      await this.#db
        .insertInto('ingest_cursors')
        .values(rows.slice(i, i + UPSERT_CHUNK))
        .onConflict((oc) =>
          oc.columns(['site_id', 'device_id']).doUpdateSet((eb) => ({
            seen: eb.ref('excluded.seen'),
            session: eb.ref('excluded.session'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    for (const [, cursor] of dirty) cursor.dirty = false;
  }

  /**
   * Drops the cache: after a failed batch, the in-memory cursors may hold seqs that were never
   * stored, and the next attempt must start from what the database says.
   */
  invalidate(): void {
    this.#cursors.clear();
  }
}
