import type { Kysely, Migration } from 'kysely';

/**
 * The night in progress of each lighting zone, as its controller's `lighting` telemetry last
 * carried it (`night` in the payload): one row per zone, replaced through the night and by the
 * next night. Deleting a device deletes its rows, like its levels and nights.
 */
export const lightingTonightMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('lighting_tonight')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('zone_id', 'text', (c) => c.notNull())
      .addColumn('night', 'text', (c) => c.notNull())
      .addColumn('since', 'bigint')
      .addColumn('until', 'bigint')
      .addColumn('energy_wh', 'double precision', (c) => c.notNull())
      .addColumn('baseline_wh', 'double precision', (c) => c.notNull())
      .addColumn('savings_pct', 'double precision', (c) => c.notNull())
      .addColumn('lit_hours', 'double precision', (c) => c.notNull())
      .addColumn('min_level', 'bigint')
      .addColumn('covered_hours', 'double precision', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('lighting_tonight_pk', ['site_id', 'device_id', 'zone_id'])
      .addForeignKeyConstraint(
        'lighting_tonight_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('lighting_tonight').execute();
  },
};
