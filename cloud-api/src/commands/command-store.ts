import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Schema } from '../storage/schema.js';
import type { CommandChange, CommandRecord } from './command-record.js';
import { CommandOutcome, CommandState, LateResult, UNDELIVERED_STATES } from './command-state.js';
import type { CommandsTable } from './command-tables.js';

/** A command the sweeper expired. */
export interface ExpiredCommand {
  readonly id: string;
  readonly site: string;
  readonly device: string;
  readonly name: string;
  /** The state it was in. */
  readonly from: CommandState;
}

/** Queries on `commands`; every function takes a Kysely instance or a transaction. */
export const commandStore = {
  async insert(db: Kysely<Schema>, c: CommandRecord): Promise<void> {
    await db
      .insertInto('commands')
      .values({
        id: c.id,
        site_id: c.site,
        device_id: c.device,
        name: c.name,
        args: JSON.stringify(c.args),
        issued_by: c.issuedBy,
        issued_at: c.issuedAt,
        expires_at: c.expiresAt,
        state: c.state,
        state_at: c.stateAt,
        attempts: c.attempts,
        sent_at: c.sentAt,
        delivered_at: c.deliveredAt,
        finished_at: c.finishedAt,
        result: c.result && JSON.stringify(c.result),
        late_result: c.lateResult && JSON.stringify(c.lateResult),
      })
      .execute();
  },

  async get(db: Kysely<Schema>, id: string): Promise<CommandRecord | undefined> {
    const row = await db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
    return row && recordFromRow(row);
  },

  /** A device's commands, newest first, optionally in one state. */
  async list(
    db: Kysely<Schema>,
    q: {
      readonly site: string;
      readonly device: string;
      readonly state?: CommandState | undefined;
      readonly limit: number;
    },
  ): Promise<CommandRecord[]> {
    let query = db
      .selectFrom('commands')
      .selectAll()
      .where('site_id', '=', q.site)
      .where('device_id', '=', q.device);
    if (q.state !== undefined) query = query.where('state', '=', q.state);
    const rows = await query
      .orderBy('issued_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit)
      .execute();
    return rows.map(recordFromRow);
  },

  /** A device's commands not yet answered and not expired at `now`, oldest first. */
  async undelivered(
    db: Kysely<Schema>,
    key: { readonly site: string; readonly device: string },
    now: number,
  ): Promise<CommandRecord[]> {
    const rows = await db
      .selectFrom('commands')
      .selectAll()
      .where('site_id', '=', key.site)
      .where('device_id', '=', key.device)
      .where('state', 'in', UNDELIVERED_STATES)
      .where('expires_at', '>', now)
      .orderBy('issued_at')
      .orderBy('id')
      .execute();
    return rows.map(recordFromRow);
  },

  /** Every `queued` command not expired at `now`, oldest first. */
  async queued(db: Kysely<Schema>, now: number): Promise<CommandRecord[]> {
    const rows = await db
      .selectFrom('commands')
      .selectAll()
      .where('state', '=', 'queued')
      .where('expires_at', '>', now)
      .orderBy('issued_at')
      .orderBy('id')
      .execute();
    return rows.map(recordFromRow);
  },

  /** Counts a publish the broker acknowledged: a `queued` command becomes `sent`. */
  async markSent(db: Kysely<Schema>, id: string, at: number): Promise<void> {
    await db
      .updateTable('commands')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        sent_at: at,
        state: eb.case().when('state', '=', 'queued').then('sent').else(eb.ref('state')).end(),
        state_at: eb.case().when('state', '=', 'queued').then(at).else(eb.ref('state_at')).end(),
      }))
      .where('id', '=', id)
      .execute();
  },

  /** Counts a publish that failed; the state stays. */
  async countAttempt(db: Kysely<Schema>, id: string): Promise<void> {
    await db
      .updateTable('commands')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .execute();
  },

  /** Applies `change` if the command is still in state `from`; false when it moved meanwhile. */
  async update(
    db: Kysely<Schema>,
    id: string,
    from: CommandState,
    change: CommandChange,
  ): Promise<boolean> {
    const set: Updateable<CommandsTable> = {
      ...(change.state !== undefined && { state: change.state }),
      ...(change.stateAt !== undefined && { state_at: change.stateAt }),
      ...(change.deliveredAt !== undefined && { delivered_at: change.deliveredAt }),
      ...(change.finishedAt !== undefined && { finished_at: change.finishedAt }),
      ...(change.result !== undefined && {
        result: change.result && JSON.stringify(change.result),
      }),
      ...(change.lateResult !== undefined && {
        late_result: change.lateResult && JSON.stringify(change.lateResult),
      }),
    };
    const rows = await db
      .updateTable('commands')
      .set(set)
      .where('id', '=', id)
      .where('state', '=', from)
      .returning('id')
      .execute();
    return rows.length > 0;
  },

  /** Cancels a command not yet delivered; returns it, or undefined when it was not cancellable. */
  async cancel(db: Kysely<Schema>, id: string, at: number): Promise<CommandRecord | undefined> {
    const row = await db
      .updateTable('commands')
      .set({ state: 'cancelled', state_at: at, finished_at: at })
      .where('id', '=', id)
      .where('state', 'in', UNDELIVERED_STATES)
      .returningAll()
      .executeTakeFirst();
    return row && recordFromRow(row);
  },

  /**
   * Expires undelivered commands past their expiry, and delivered ones past their expiry plus
   * `deliveredGraceMs` (the device may still be finishing them).
   */
  async expire(
    db: Kysely<Schema>,
    now: number,
    deliveredGraceMs: number,
  ): Promise<ExpiredCommand[]> {
    const expired: ExpiredCommand[] = [];
    for (const [states, before] of [
      [UNDELIVERED_STATES, now],
      [['delivered'], now - deliveredGraceMs],
    ] as const) {
      for (const from of states) {
        const rows = await db
          .updateTable('commands')
          .set({ state: 'expired', state_at: now, finished_at: now })
          .where('state', '=', from)
          .where('expires_at', '<=', before)
          .returning(['id', 'site_id', 'device_id', 'name'])
          .execute();
        for (const r of rows) {
          expired.push({ id: r.id, site: r.site_id, device: r.device_id, name: r.name, from });
        }
      }
    }
    return expired;
  },
};

function recordFromRow(r: Selectable<CommandsTable>): CommandRecord {
  return {
    id: r.id,
    site: r.site_id,
    device: r.device_id,
    name: r.name,
    args: JSON.parse(r.args) as Record<string, unknown>,
    issuedBy: r.issued_by,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
    state: CommandState.parse(r.state),
    stateAt: r.state_at,
    attempts: r.attempts,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    finishedAt: r.finished_at,
    result: r.result === null ? null : CommandOutcome.parse(JSON.parse(r.result)),
    lateResult: r.late_result === null ? null : LateResult.parse(JSON.parse(r.late_result)),
  };
}
