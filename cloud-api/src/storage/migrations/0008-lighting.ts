import type { Kysely, Migration } from 'kysely';

/**
 * What lighting controllers report: each zone's latest level with its reason trace, and each
 * zone's night summaries (energy against full power). Deleting a device deletes both, like its
 * status. Levels over time are in the time-series store (stream `lighting`), not here.
 */
export const lightingMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('lighting_zone_levels')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('zone_id', 'text', (c) => c.notNull())
      .addColumn('level', 'bigint', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('changed_at', 'bigint', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('lighting_zone_levels_pk', ['site_id', 'device_id', 'zone_id'])
      .addForeignKeyConstraint(
        'lighting_zone_levels_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('lighting_nights')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('zone_id', 'text', (c) => c.notNull())
      .addColumn('night', 'text', (c) => c.notNull())
      .addColumn('energy_wh', 'double precision', (c) => c.notNull())
      .addColumn('baseline_wh', 'double precision', (c) => c.notNull())
      .addColumn('savings_pct', 'double precision', (c) => c.notNull())
      .addColumn('lit_hours', 'double precision', (c) => c.notNull())
      .addColumn('min_level', 'bigint')
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('lighting_nights_pk', ['site_id', 'device_id', 'zone_id', 'night'])
      .addForeignKeyConstraint(
        'lighting_nights_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    // The public savings read nights across every controller by date.
    await db.schema
      .createIndex('lighting_nights_by_night')
      .on('lighting_nights')
      .columns(['night'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('lighting_nights').execute();
    await db.schema.dropTable('lighting_zone_levels').execute();
  },
};
