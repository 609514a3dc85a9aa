import type { Insertable, Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';

/** The lighting tables that keep one row per zone (and night), guarded by the controller's seq. */
type SeqGuardedTable = 'lighting_zone_levels' | 'lighting_nights' | 'lighting_tonight';

/** Any table with a `seq` column, as the query below sees it. */
type LooseDatabase = Record<string, { seq: number } & Record<string, unknown>>;

/**
 * Stores a row, or updates the stored one with the same key unless it carries a later seq (by the
 * controller's outbox): a batch handed over again, or an older report replayed, changes nothing.
 * `key` holds exactly the table's primary key columns: they are the conflict target.
 */
export async function upsertUnlessLater<
  T extends SeqGuardedTable,
  K extends keyof Insertable<Schema[T]> & string,
>(
  db: Kysely<Schema>,
  table: T,
  key: Pick<Insertable<Schema[T]>, K>,
  values: Omit<Insertable<Schema[T]>, K> & { readonly seq: number },
): Promise<void> {
  // Kysely cannot type a query over a table chosen by a type parameter; the signature above keeps
  // each caller's columns checked against its own table.
  const loose = db as unknown as Kysely<LooseDatabase>;
  const name: string = table;
  const update: Record<string, unknown> = values;
  await loose
    .insertInto(name)
    .values({ ...key, ...values })
    .onConflict((oc) =>
      oc.columns(Object.keys(key)).doUpdateSet(update).where(`${name}.seq`, '<', values.seq),
    )
    .execute();
}
