import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Schema } from '../storage/schema.js';
import {
  ACTIVE_STATES,
  BoxSize,
  Recipient,
  ReservationState,
  type HistoryEntry,
  type Reservation,
} from './locker.js';
import type { LockerReservationsTable } from './locker-tables.js';

/** A new reservation row: the reservation with its two code hashes. */
export interface NewReservation extends Reservation {
  readonly pickupCodeHash: string;
  readonly dropoffCodeHash: string;
}

/** What a bank's credential set is built from: an active reservation with its code hashes. */
export interface ActiveCredentials {
  readonly id: string;
  readonly box: number;
  readonly state: ReservationState;
  readonly createdAt: number;
  readonly pickupFrom: number;
  readonly expiresAt: number;
  readonly pickupCodeHash: string;
  readonly dropoffCodeHash: string;
}

/** What `list` filters on; `merchant` restricts to one merchant's reservations. */
export interface ReservationFilter {
  readonly merchant?: string | undefined;
  readonly bank?: string | undefined;
  readonly state?: ReservationState | undefined;
  readonly reference?: string | undefined;
  /** Only those listed after this one (newest first): the previous page's `next`. */
  readonly after?: { readonly createdAt: number; readonly id: string } | undefined;
  readonly limit: number;
}

/** A history line to record; `seq` is set for one caused by a device message. */
export interface NewHistoryEntry extends HistoryEntry {
  readonly reservationId: string;
  readonly seq: number | null;
}

/** The history event of a box opened by command for a reservation. */
export const REMOTE_OPEN_EVENT = 'box-opened-remotely';

/** The time column each state records, besides `state_at`. */
const STAMP = {
  reserved: null,
  deposited: 'deposited_at',
  ready: 'ready_at',
  'picked-up': 'picked_up_at',
  expired: 'finished_at',
  cancelled: 'finished_at',
} as const satisfies Record<ReservationState, keyof LockerReservationsTable | null>;

/** Queries on `locker_reservations` and its history; each takes a Kysely instance or a transaction. */
export const reservationStore = {
  async insert(db: Kysely<Schema>, r: NewReservation): Promise<void> {
    await db
      .insertInto('locker_reservations')
      .values({
        id: r.id,
        bank_id: r.bank,
        box_number: r.box,
        size: r.size,
        merchant: r.merchant,
        reference: r.reference,
        state: r.state,
        state_at: r.stateAt,
        created_at: r.createdAt,
        pickup_from: r.pickupFrom,
        expires_at: r.expiresAt,
        deposited_at: r.depositedAt,
        ready_at: r.readyAt,
        picked_up_at: r.pickedUpAt,
        finished_at: r.finishedAt,
        expiry_notified_at: r.expiryNotifiedAt,
        pickup_code_hash: r.pickupCodeHash,
        dropoff_code_hash: r.dropoffCodeHash,
        recipient: r.recipient && JSON.stringify(r.recipient),
      })
      .execute();
  },

  async get(db: Kysely<Schema>, id: string): Promise<Reservation | undefined> {
    const row = await db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && reservationFromRow(row);
  },

  /** The merchant's active reservation with this reference, if any. */
  async activeByReference(
    db: Kysely<Schema>,
    merchant: string,
    reference: string,
  ): Promise<Reservation | undefined> {
    const row = await db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('merchant', '=', merchant)
      .where('reference', '=', reference)
      .where('state', 'in', ACTIVE_STATES)
      .executeTakeFirst();
    return row && reservationFromRow(row);
  },

  /** Newest first. */
  async list(db: Kysely<Schema>, f: ReservationFilter): Promise<Reservation[]> {
    let q = db.selectFrom('locker_reservations').selectAll();
    if (f.merchant !== undefined) q = q.where('merchant', '=', f.merchant);
    if (f.bank !== undefined) q = q.where('bank_id', '=', f.bank);
    if (f.state !== undefined) q = q.where('state', '=', f.state);
    if (f.reference !== undefined) q = q.where('reference', '=', f.reference);
    const after = f.after;
    if (after !== undefined) {
      q = q.where((eb) =>
        eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)),
      );
    }
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit)
      .execute();
    return rows.map(reservationFromRow);
  },

  /** A bank's active reservations with their code hashes: its credential set. */
  async activeCredentials(db: Kysely<Schema>, bankId: string): Promise<ActiveCredentials[]> {
    const rows = await db
      .selectFrom('locker_reservations')
      .select([
        'id',
        'box_number',
        'state',
        'created_at',
        'pickup_from',
        'expires_at',
        'pickup_code_hash',
        'dropoff_code_hash',
      ])
      .where('bank_id', '=', bankId)
      .where('state', 'in', ACTIVE_STATES)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      box: r.box_number,
      state: ReservationState.parse(r.state),
      createdAt: r.created_at,
      pickupFrom: r.pickup_from,
      expiresAt: r.expires_at,
      pickupCodeHash: r.pickup_code_hash,
      dropoffCodeHash: r.dropoff_code_hash,
    }));
  },

  /** Moves a reservation from `from` to `to` at `at`; undefined when it was not in `from`. */
  async move(
    db: Kysely<Schema>,
    id: string,
    from: ReservationState,
    to: ReservationState,
    at: number,
  ): Promise<Reservation | undefined> {
    const stamp = STAMP[to];
    const set: Updateable<LockerReservationsTable> = {
      state: to,
      state_at: at,
      ...(stamp !== null && { [stamp]: at }),
    };
    const row = await db
      .updateTable('locker_reservations')
      .set(set)
      .where('id', '=', id)
      .where('state', '=', from)
      .returningAll()
      .executeTakeFirst();
    return row && reservationFromRow(row);
  },

  /** Active reservations past their expiry at `now`, oldest expiry first. */
  async due(db: Kysely<Schema>, now: number, limit: number): Promise<Reservation[]> {
    const rows = await db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('state', 'in', ACTIVE_STATES)
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map(reservationFromRow);
  },

  /** Deposited reservations whose recipient was not told yet (the notifier failed, or a restart). */
  async awaitingReadyNotice(db: Kysely<Schema>, limit: number): Promise<Reservation[]> {
    const rows = await db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('state', '=', 'deposited')
      .orderBy('deposited_at')
      .limit(limit)
      .execute();
    return rows.map(reservationFromRow);
  },

  /** Expired reservations that held a parcel and whose recipient was not told yet. */
  async awaitingExpiryNotice(db: Kysely<Schema>, limit: number): Promise<Reservation[]> {
    const rows = await db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('state', '=', 'expired')
      .where('deposited_at', 'is not', null)
      .where('expiry_notified_at', 'is', null)
      .orderBy('finished_at')
      .limit(limit)
      .execute();
    return rows.map(reservationFromRow);
  },

  async markExpiryNotified(db: Kysely<Schema>, id: string, at: number): Promise<void> {
    await db
      .updateTable('locker_reservations')
      .set({ expiry_notified_at: at })
      .where('id', '=', id)
      .where('expiry_notified_at', 'is', null)
      .execute();
  },

  /**
   * The expired reservation whose parcel still holds this box, if any: the latest expired one
   * that had a parcel and whose history does not say it was returned.
   */
  async expiredHolding(
    db: Kysely<Schema>,
    bankId: string,
    box: number,
  ): Promise<Reservation | undefined> {
    const row = await db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('bank_id', '=', bankId)
      .where('box_number', '=', box)
      .where('state', '=', 'expired')
      .where('deposited_at', 'is not', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('locker_reservation_history as h')
              .select('h.id')
              .whereRef('h.reservation_id', '=', 'locker_reservations.id')
              .where('h.event', '=', 'parcel-returned'),
          ),
        ),
      )
      .orderBy('finished_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && reservationFromRow(row);
  },

  /** The active reservation holding a box, if any (there is at most one). */
  async activeOnBox(
    db: Kysely<Schema>,
    bankId: string,
    box: number,
  ): Promise<Reservation | undefined> {
    const row = await db
      .selectFrom('locker_reservations')
      .selectAll()
      .where('bank_id', '=', bankId)
      .where('box_number', '=', box)
      .where('state', 'in', ACTIVE_STATES)
      .executeTakeFirst();
    return row && reservationFromRow(row);
  },

  /** Whether the reservation's box was opened by command at or after `since`. */
  async openedRemotelySince(db: Kysely<Schema>, id: string, since: number): Promise<boolean> {
    const row = await db
      .selectFrom('locker_reservation_history')
      .select('id')
      .where('reservation_id', '=', id)
      .where('event', '=', REMOTE_OPEN_EVENT)
      .where('at', '>=', since)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  async hasAny(db: Kysely<Schema>, bankId: string): Promise<boolean> {
    const row = await db
      .selectFrom('locker_reservations')
      .select('id')
      .where('bank_id', '=', bankId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Appends to a reservation's history; false when this device message was recorded already. */
  async record(db: Kysely<Schema>, e: NewHistoryEntry): Promise<boolean> {
    const rows = await db
      .insertInto('locker_reservation_history')
      .values({
        reservation_id: e.reservationId,
        at: e.at,
        event: e.event,
        actor: e.actor,
        details: JSON.stringify(e.details),
        seq: e.seq,
      })
      .onConflict((oc) => oc.columns(['reservation_id', 'event', 'seq']).doNothing())
      .returning('id')
      .execute();
    return rows.length > 0;
  },

  /** A reservation's history, in the order it was recorded. */
  async history(db: Kysely<Schema>, id: string): Promise<HistoryEntry[]> {
    const rows = await db
      .selectFrom('locker_reservation_history')
      .select(['at', 'event', 'actor', 'details'])
      .where('reservation_id', '=', id)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      at: r.at,
      event: r.event,
      actor: r.actor,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  },
};

function reservationFromRow(r: Selectable<LockerReservationsTable>): Reservation {
  return {
    id: r.id,
    bank: r.bank_id,
    box: r.box_number,
    size: BoxSize.parse(r.size),
    merchant: r.merchant,
    reference: r.reference,
    state: ReservationState.parse(r.state),
    stateAt: r.state_at,
    createdAt: r.created_at,
    pickupFrom: r.pickup_from,
    expiresAt: r.expires_at,
    depositedAt: r.deposited_at,
    readyAt: r.ready_at,
    pickedUpAt: r.picked_up_at,
    finishedAt: r.finished_at,
    expiryNotifiedAt: r.expiry_notified_at,
    recipient: r.recipient === null ? null : Recipient.parse(JSON.parse(r.recipient)),
  };
}
