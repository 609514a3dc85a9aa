import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * Alarms and the marks that keep replayed device events from counting twice. No foreign key
 * to `devices`: an alarm outlives the device it was about (its history stays readable), and an
 * event that arrives just after its device was removed must not fail ingestion.
 */
export const alarmsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const postgres = dialectOf(db) === 'postgres';
    await db.schema
      .createTable('alarms')
      .addColumn('id', postgres ? 'bigint' : 'integer', (c) =>
        postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
      )
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('occurrences', 'bigint', (c) => c.notNull())
      .addColumn('first_raised_at', 'bigint', (c) => c.notNull())
      .addColumn('last_raised_at', 'bigint', (c) => c.notNull())
      .addColumn('acknowledged_by', 'text')
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('acknowledge_note', 'text')
      .addColumn('resolved_by', 'text')
      .addColumn('resolved_at', 'bigint')
      .addColumn('resolve_note', 'text')
      .addCheckConstraint('alarms_severity', sql`severity in ('warning', 'alarm')`)
      .addCheckConstraint('alarms_state', sql`state in ('open', 'acknowledged', 'resolved')`)
      .addCheckConstraint('alarms_source', sql`source in ('event', 'rule')`)
      .addCheckConstraint('alarms_occurrences', sql`occurrences >= 1`)
      // The state and its who/when columns move together, so no code path can half-apply one.
      .addCheckConstraint(
        'alarms_acknowledged',
        sql`(state = 'open' and acknowledged_at is null and acknowledged_by is null)
          or (state = 'acknowledged' and acknowledged_at is not null and acknowledged_by is not null)
          or state = 'resolved'`,
      )
      .addCheckConstraint(
        'alarms_resolved',
        sql`(state = 'resolved' and resolved_at is not null and resolved_by is not null)
          or (state <> 'resolved' and resolved_at is null and resolved_by is null)`,
      )
      .execute();
    // At most one active alarm per key: a repeat updates it (INSERT … ON CONFLICT with this
    // index's predicate), a resolved one no longer blocks a new one. Both dialects have partial
    // indexes; the predicate is a literal so PostgreSQL can match it to the ON CONFLICT clause.
    await db.schema
      .createIndex('alarms_active_key')
      .on('alarms')
      .columns(['site_id', 'device_id', 'type', 'subject'])
      .unique()
      .where(sql<boolean>`state <> 'resolved'`)
      .execute();
    await db.schema
      .createIndex('alarms_last_raised')
      .on('alarms')
      .column('last_raised_at')
      .execute();

    await db.schema
      .createTable('alarm_event_marks')
      .addColumn('site_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('marked_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('alarm_event_marks_pk', ['site_id', 'device_id', 'seq', 'type'])
      .execute();
    await db.schema
      .createIndex('alarm_event_marks_marked_at')
      .on('alarm_event_marks')
      .column('marked_at')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('alarm_event_marks').execute();
    await db.schema.dropTable('alarms').execute();
  },
};
