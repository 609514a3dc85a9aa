import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Schema } from '../storage/schema.js';
import type { Alarm, AlarmAction, AlarmSeverity, AlarmSource, AlarmState } from './alarm.js';
import type { AlarmsTable } from './alarm-tables.js';

type AlarmRow = Selectable<AlarmsTable>;

/** The key of an active alarm as stored: `subject` is `''` for the device as a whole. */
export interface StoredAlarmKey {
  readonly site: string;
  readonly device: string;
  readonly type: string;
  readonly subject: string;
}

/** A new occurrence, as `raise` writes it. */
export interface OccurrenceRow extends StoredAlarmKey {
  readonly severity: AlarmSeverity;
  readonly source: AlarmSource;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly at: number;
}

/** What `list` filters on; `active` is open or acknowledged. */
export interface AlarmFilter {
  readonly state?: AlarmState | 'active' | undefined;
  readonly site?: string | undefined;
  readonly device?: string | undefined;
  readonly limit: number;
}

/**
 * The predicate of the partial unique index `alarms_active_key` (migration 0004), as a literal:
 * PostgreSQL matches an ON CONFLICT target to a partial index only when it can prove this
 * predicate implies the index's, which it cannot do through a bound parameter.
 */
const ACTIVE = sql<SqlBool>`state <> 'resolved'`;
const KEY_COLUMNS = ['site_id', 'device_id', 'type', 'subject'] as const;

/** Queries on `alarms` and `alarm_event_marks`; every function takes a Kysely instance or a transaction. */
export const alarmStore = {
  /**
   * Records that a device message counted as an occurrence of an alarm type; false when it
   * already had (a replayed batch), in which case the caller must not count it again.
   */
  async markEvent(
    db: Kysely<Schema>,
    mark: { site: string; device: string; seq: number; type: string; at: number },
  ): Promise<boolean> {
    const rows = await db
      .insertInto('alarm_event_marks')
      .values({
        site_id: mark.site,
        device_id: mark.device,
        seq: mark.seq,
        type: mark.type,
        marked_at: mark.at,
      })
      .onConflict((oc) => oc.columns(['site_id', 'device_id', 'seq', 'type']).doNothing())
      .returning('seq')
      .execute();
    return rows.length > 0;
  },

  /** Forgets the marks made before `before`; returns how many. */
  async pruneEventMarks(db: Kysely<Schema>, before: number): Promise<number> {
    const result = await db
      .deleteFrom('alarm_event_marks')
      .where('marked_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },

  /**
   * Opens an alarm for the occurrence, or counts it on the active alarm of its key: one more
   * occurrence, the earliest first and latest last time (a replayed historical event may be
   * older than what is stored), the message and details of the newest occurrence, and the
   * severity raised to `alarm` if either is. Atomic on both dialects.
   */
  async openOrRepeat(
    db: Kysely<Schema>,
    o: OccurrenceRow,
  ): Promise<{ alarm: Alarm; opened: boolean }> {
    const row = await db
      .insertInto('alarms')
      .values(newRow(o))
      .onConflict((oc) =>
        oc
          .columns(KEY_COLUMNS)
          .where(ACTIVE)
          .doUpdateSet((eb) => {
            const newer = eb('excluded.last_raised_at', '>=', eb.ref('alarms.last_raised_at'));
            return {
              occurrences: eb('alarms.occurrences', '+', 1),
              first_raised_at: eb
                .case()
                .when('excluded.first_raised_at', '<', eb.ref('alarms.first_raised_at'))
                .then(eb.ref('excluded.first_raised_at'))
                .else(eb.ref('alarms.first_raised_at'))
                .end(),
              last_raised_at: eb
                .case()
                .when(newer)
                .then(eb.ref('excluded.last_raised_at'))
                .else(eb.ref('alarms.last_raised_at'))
                .end(),
              message: eb
                .case()
                .when(newer)
                .then(eb.ref('excluded.message'))
                .else(eb.ref('alarms.message'))
                .end(),
              details: eb
                .case()
                .when(newer)
                .then(eb.ref('excluded.details'))
                .else(eb.ref('alarms.details'))
                .end(),
              severity: eb
                .case()
                .when('excluded.severity', '=', 'alarm')
                .then(eb.ref('excluded.severity'))
                .else(eb.ref('alarms.severity'))
                .end(),
            };
          }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    // A fresh row is the only one with a single occurrence: a repeat makes it at least two.
    return { alarm: alarmFromRow(row), opened: row.occurrences === 1 };
  },

  /** Opens an alarm unless one is active for its key; returns the new alarm, or undefined. */
  async openIfNoneActive(db: Kysely<Schema>, o: OccurrenceRow): Promise<Alarm | undefined> {
    const row = await db
      .insertInto('alarms')
      .values(newRow(o))
      .onConflict((oc) => oc.columns(KEY_COLUMNS).where(ACTIVE).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && alarmFromRow(row);
  },

  async findActive(db: Kysely<Schema>, key: StoredAlarmKey): Promise<Alarm | undefined> {
    const row = await whereKey(db.selectFrom('alarms').selectAll(), key)
      .where(ACTIVE)
      .executeTakeFirst();
    return row && alarmFromRow(row);
  },

  /** The most recent alarm of a key from a given source, whatever its state. */
  async findLatest(
    db: Kysely<Schema>,
    key: StoredAlarmKey,
    source: AlarmSource,
  ): Promise<Alarm | undefined> {
    const row = await whereKey(db.selectFrom('alarms').selectAll(), key)
      .where('source', '=', source)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && alarmFromRow(row);
  },

  async get(db: Kysely<Schema>, id: number): Promise<Alarm | undefined> {
    const row = await db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst();
    return row && alarmFromRow(row);
  },

  /** Most recently raised first. */
  async list(db: Kysely<Schema>, filter: AlarmFilter): Promise<Alarm[]> {
    let q = db.selectFrom('alarms').selectAll();
    if (filter.state === 'active') q = q.where(ACTIVE);
    else if (filter.state !== undefined) q = q.where('state', '=', filter.state);
    if (filter.site !== undefined) q = q.where('site_id', '=', filter.site);
    if (filter.device !== undefined) q = q.where('device_id', '=', filter.device);
    const rows = await q
      .orderBy('last_raised_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map(alarmFromRow);
  },

  /** Open → acknowledged; undefined when the alarm is missing or not open. */
  async acknowledge(
    db: Kysely<Schema>,
    id: number,
    action: AlarmAction,
  ): Promise<Alarm | undefined> {
    const row = await db
      .updateTable('alarms')
      .set({
        state: 'acknowledged',
        acknowledged_by: action.by,
        acknowledged_at: action.at,
        acknowledge_note: action.note,
      })
      .where('id', '=', id)
      .where('state', '=', 'open')
      .returningAll()
      .executeTakeFirst();
    return row && alarmFromRow(row);
  },

  /** Open or acknowledged → resolved; undefined when the alarm is missing or resolved. */
  async resolve(db: Kysely<Schema>, id: number, action: AlarmAction): Promise<Alarm | undefined> {
    const row = await db
      .updateTable('alarms')
      .set(resolvedColumns(action))
      .where('id', '=', id)
      .where(ACTIVE)
      .returningAll()
      .executeTakeFirst();
    return row && alarmFromRow(row);
  },

  /** Resolves the active alarm of a key; undefined when there is none. */
  async resolveActive(
    db: Kysely<Schema>,
    key: StoredAlarmKey,
    action: AlarmAction,
  ): Promise<Alarm | undefined> {
    const row = await whereKey(db.updateTable('alarms').set(resolvedColumns(action)), key)
      .where(ACTIVE)
      .returningAll()
      .executeTakeFirst();
    return row && alarmFromRow(row);
  },
};

function newRow(o: OccurrenceRow) {
  return {
    site_id: o.site,
    device_id: o.device,
    type: o.type,
    subject: o.subject,
    severity: o.severity,
    state: 'open' as const,
    source: o.source,
    message: o.message,
    details: JSON.stringify(o.details),
    occurrences: 1,
    first_raised_at: o.at,
    last_raised_at: o.at,
  };
}

function resolvedColumns(action: AlarmAction) {
  return {
    state: 'resolved' as const,
    resolved_by: action.by,
    resolved_at: action.at,
    resolve_note: action.note,
  };
}

/** Narrows a select or an update on `alarms` to one key. */
function whereKey<
  Q extends {
    where(column: 'site_id' | 'device_id' | 'type' | 'subject', op: '=', value: string): Q;
  },
>(q: Q, key: StoredAlarmKey): Q {
  return q
    .where('site_id', '=', key.site)
    .where('device_id', '=', key.device)
    .where('type', '=', key.type)
    .where('subject', '=', key.subject);
}

function alarmFromRow(r: AlarmRow): Alarm {
  return {
    id: r.id,
    site: r.site_id,
    device: r.device_id,
    type: r.type,
    subject: r.subject === '' ? null : r.subject,
    severity: r.severity,
    state: r.state,
    source: r.source,
    message: r.message,
    details: JSON.parse(r.details) as Record<string, unknown>,
    occurrences: r.occurrences,
    firstRaisedAt: r.first_raised_at,
    lastRaisedAt: r.last_raised_at,
    acknowledged: actionOf(r.acknowledged_by, r.acknowledged_at, r.acknowledge_note),
    resolved: actionOf(r.resolved_by, r.resolved_at, r.resolve_note),
  };
}

function actionOf(by: string | null, at: number | null, note: string | null): AlarmAction | null {
  return by === null || at === null ? null : { by, at, note };
}
