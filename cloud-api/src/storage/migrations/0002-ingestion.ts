import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * What ingestion remembers per device: the seqs already ingested (as ranges, see
 * `ingestion/seq-ranges.ts`) and the last session counter seen. No foreign key to `devices`: a
 * broker on a credential file can carry devices the registry does not know, and their
 * readings are deduplicated all the same.
 */
export const ingestionMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ingest_cursors')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('seen', 'text', (c) => c.notNull())
      .addColumn('session', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ingest_cursors_pk', ['site_id', 'device_id'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('ingest_cursors').execute();
  },
};
