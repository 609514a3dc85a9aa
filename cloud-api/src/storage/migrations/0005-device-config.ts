import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Desired configurations of devices, every version kept, and the last state each device
 * reported about them. The version is part of the primary key: two racing writers cannot both
 * create the same version of one device. Deleting a device deletes both, like its status.
 */
export const deviceConfigMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('device_configs')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('issued_by', 'text', (c) => c.notNull())
      .addColumn('published_at', 'bigint')
      // The primary key also serves "latest version of a device" (max over its last column).
      .addPrimaryKeyConstraint('device_configs_pk', ['site_id', 'device_id', 'version'])
      .addCheckConstraint('device_configs_version', sql`version >= 1`)
      .addForeignKeyConstraint(
        'device_configs_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('device_config_reports')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('config_version', 'bigint')
      .addColumn('rejected_version', 'bigint')
      .addColumn('rejected_reason', 'text')
      .addColumn('reported_at', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_config_reports_pk', ['site_id', 'device_id'])
      .addCheckConstraint(
        'device_config_reports_rejected',
        sql`(rejected_version is null) = (rejected_reason is null)`,
      )
      .addForeignKeyConstraint(
        'device_config_reports_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('device_config_reports').execute();
    await db.schema.dropTable('device_configs').execute();
  },
};
