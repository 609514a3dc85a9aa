import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Commands to devices and their lifecycle. The id is the primary key: a client-supplied id is
 * what makes a retried POST idempotent, and the device deduplicates on it. Deleting a device
 * deletes its commands, like its status.
 */
export const commandsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('commands')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('args', 'text', (c) => c.notNull())
      .addColumn('issued_by', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('state_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('sent_at', 'bigint')
      .addColumn('delivered_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('result', 'text')
      .addColumn('late_result', 'text')
      .addCheckConstraint(
        'commands_state',
        sql`state in ('queued', 'sent', 'delivered', 'succeeded', 'failed', 'expired', 'cancelled')`,
      )
      .addCheckConstraint('commands_expiry', sql`expires_at > issued_at`)
      .addForeignKeyConstraint(
        'commands_device_fk',
        ['site_id', 'device_id'],
        'devices',
        ['site_id', 'device_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    // A device's commands by state (pending ones to re-send at its birth) and newest first.
    await db.schema
      .createIndex('commands_device_state')
      .on('commands')
      .columns(['site_id', 'device_id', 'state', 'issued_at'])
      .execute();
    await db.schema
      .createIndex('commands_device_issued')
      .on('commands')
      .columns(['site_id', 'device_id', 'issued_at'])
      .execute();
    // The sweeper's and the reconnect's scans: open commands by expiry.
    await db.schema
      .createIndex('commands_state_expiry')
      .on('commands')
      .columns(['state', 'expires_at'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('commands').execute();
  },
};
