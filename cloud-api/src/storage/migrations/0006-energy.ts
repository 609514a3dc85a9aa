import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * What each energy meter measures (`consumption`, `production`, `grid`), set by technicians.
 * Deleting a device deletes its meters' roles, like its status.
 */
export const energyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('energy_meters')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('meter_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('label', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('energy_meters_pk', ['site_id', 'device_id', 'meter_id'])
      .addCheckConstraint('energy_meters_role', sql`role in ('consumption', 'production', 'grid')`)
      .addForeignKeyConstraint(
        'energy_meters_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('energy_meters').execute();
  },
};
