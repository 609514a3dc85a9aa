import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * Registry, identities, API tokens and audit log. Written with the schema builder only, so the
 * same statements run on SQLite and PostgreSQL; the one construct that differs (an
 * auto-increment id) is guarded by dialect. Integer quantities are `bigint`: SQLite gives any
 * type containing INT integer affinity, and PostgreSQL's int8 comes back as a JS number.
 */
export const coreMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('devices')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('devices_pk', ['site_id', 'device_id'])
      .execute();

    await db.schema
      .createTable('mqtt_accounts')
      .addColumn('username', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('site_id', 'text')
      .addColumn('device_id', 'text')
      .addColumn('kind', 'text')
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('mqtt_accounts_role', sql`role in ('device', 'cloud', 'observer')`)
      // A device account names its device; a service account names none, so the broker can
      // rebuild the same Principal it builds from its credential file.
      .addCheckConstraint(
        'mqtt_accounts_identity',
        sql`(role = 'device' and site_id is not null and device_id is not null and kind is not null)
          or (role <> 'device' and site_id is null and device_id is null and kind is null)`,
      )
      .addUniqueConstraint('mqtt_accounts_device_unique', ['site_id', 'device_id'])
      // Deleting a device deletes its identity even if a caller forgets to.
      .addForeignKeyConstraint(
        'mqtt_accounts_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('device_status')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('online', 'integer', (c) => c.notNull())
      .addColumn('session', 'bigint', (c) => c.notNull())
      .addColumn('last_seen', 'bigint', (c) => c.notNull())
      .addColumn('last_birth', 'bigint')
      .addColumn('outbox_depth', 'bigint')
      .addColumn('outbox_oldest_age_ms', 'bigint')
      .addColumn('config_version', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('device_status_pk', ['site_id', 'device_id'])
      .addCheckConstraint('device_status_online', sql`online in (0, 1)`)
      .addForeignKeyConstraint(
        'device_status_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addCheckConstraint(
        'api_tokens_role',
        sql`role in ('admin', 'technician', 'merchant', 'resident')`,
      )
      .execute();
    // Names identify actors in the audit log, so two live tokens never share one; a revoked
    // token's name may be reused.
    await db.schema
      .createIndex('api_tokens_active_name')
      .on('api_tokens')
      .column('name')
      .unique()
      .where(sql.ref('revoked_at'), 'is', null)
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', dialectOf(db) === 'postgres' ? 'bigint' : 'integer', (c) =>
        // SQLite: INTEGER PRIMARY KEY AUTOINCREMENT never reuses the id of a deleted last row.
        dialectOf(db) === 'postgres'
          ? c.primaryKey().generatedAlwaysAsIdentity()
          : c.primaryKey().autoIncrement(),
      )
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'audit_log',
      'api_tokens',
      'device_status',
      'mqtt_accounts',
      'devices',
      'sites',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
