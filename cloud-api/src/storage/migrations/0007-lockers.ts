import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { dialectOf } from '../dialect.js';

/** The reservation states that hold a box; the predicate of the partial unique indexes below. */
const ACTIVE = sql<boolean>`state in ('reserved', 'deposited', 'ready')`;

/**
 * Locker banks, their boxes, the merchants' reservations and each reservation's history. No
 * foreign key to `devices`: a bank and its reservations outlive a device that is replaced.
 * Reservations keep their bank (no cascade): a bank that had any cannot be deleted. Two partial
 * unique indexes make double booking impossible whatever the code does: one active reservation
 * per box, one per merchant and order reference.
 */
export const lockersMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const postgres = dialectOf(db) === 'postgres';
    await db.schema
      .createTable('locker_banks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('location', 'text')
      .addColumn('credential_version', 'bigint', (c) => c.notNull())
      .addColumn('credentials_issued_at', 'bigint', (c) => c.notNull())
      .addColumn('credentials_published_version', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('locker_banks_device', ['site_id', 'device_id'])
      .addCheckConstraint('locker_banks_version', sql`credential_version >= 1`)
      .execute();

    await db.schema
      .createTable('locker_boxes')
      .addColumn('bank_id', 'text', (c) => c.notNull())
      .addColumn('number', 'bigint', (c) => c.notNull())
      .addColumn('size', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('state_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('locker_boxes_pk', ['bank_id', 'number'])
      .addCheckConstraint('locker_boxes_number', sql`number between 1 and 999`)
      .addCheckConstraint('locker_boxes_size', sql`size in ('S', 'M', 'L', 'XL')`)
      .addCheckConstraint(
        'locker_boxes_state',
        sql`state in ('available', 'reserved', 'occupied', 'out-of-service')`,
      )
      .addForeignKeyConstraint('locker_boxes_bank_fk', ['bank_id'], 'locker_banks', ['id'], (fk) =>
        fk.onDelete('cascade'),
      )
      .execute();
    // The box choice: free boxes of a size, lowest number first.
    await db.schema
      .createIndex('locker_boxes_free')
      .on('locker_boxes')
      .columns(['bank_id', 'size', 'state', 'number'])
      .execute();

    await db.schema
      .createTable('locker_reservations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('bank_id', 'text', (c) => c.notNull())
      .addColumn('box_number', 'bigint', (c) => c.notNull())
      .addColumn('size', 'text', (c) => c.notNull())
      .addColumn('merchant', 'text', (c) => c.notNull())
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('state_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('pickup_from', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('deposited_at', 'bigint')
      .addColumn('ready_at', 'bigint')
      .addColumn('picked_up_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('expiry_notified_at', 'bigint')
      .addColumn('pickup_code_hash', 'text', (c) => c.notNull())
      .addColumn('dropoff_code_hash', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text')
      .addCheckConstraint(
        'locker_reservations_state',
        sql`state in ('reserved', 'deposited', 'ready', 'picked-up', 'expired', 'cancelled')`,
      )
      .addCheckConstraint('locker_reservations_window', sql`expires_at > pickup_from`)
      .addForeignKeyConstraint(
        'locker_reservations_box_fk',
        ['bank_id', 'box_number'],
        'locker_boxes',
        ['bank_id', 'number'],
      )
      .execute();
    await db.schema
      .createIndex('locker_reservations_active_box')
      .on('locker_reservations')
      .columns(['bank_id', 'box_number'])
      .unique()
      .where(ACTIVE)
      .execute();
    await db.schema
      .createIndex('locker_reservations_active_reference')
      .on('locker_reservations')
      .columns(['merchant', 'reference'])
      .unique()
      .where(ACTIVE)
      .execute();
    // The sweeper's scan, a bank's active credentials, and the listings (newest first).
    await db.schema
      .createIndex('locker_reservations_state_expiry')
      .on('locker_reservations')
      .columns(['state', 'expires_at'])
      .execute();
    await db.schema
      .createIndex('locker_reservations_bank_state')
      .on('locker_reservations')
      .columns(['bank_id', 'state'])
      .execute();
    await db.schema
      .createIndex('locker_reservations_merchant_created')
      .on('locker_reservations')
      .columns(['merchant', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('locker_reservations_created')
      .on('locker_reservations')
      .columns(['created_at', 'id'])
      .execute();

    await db.schema
      .createTable('locker_reservation_history')
      .addColumn('id', postgres ? 'bigint' : 'integer', (c) =>
        postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
      )
      .addColumn('reservation_id', 'text', (c) =>
        c.notNull().references('locker_reservations.id').onDelete('cascade'),
      )
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint')
      .execute();
    // A device message is recorded once per reservation (a null seq never collides).
    await db.schema
      .createIndex('locker_reservation_history_event')
      .on('locker_reservation_history')
      .columns(['reservation_id', 'event', 'seq'])
      .unique()
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('locker_reservation_history').execute();
    await db.schema.dropTable('locker_reservations').execute();
    await db.schema.dropTable('locker_boxes').execute();
    await db.schema.dropTable('locker_banks').execute();
  },
};
