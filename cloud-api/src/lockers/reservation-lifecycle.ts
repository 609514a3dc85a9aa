import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { HameauError, type Clock } from '@hameau/protocol';
import { recordAudit } from '../audit/audit-store.js';
import type { Schema } from '../storage/schema.js';
import { bankStore } from './bank-store.js';
import type { Reservation } from './locker.js';
import { reservationStore } from './reservation-store.js';
import {
  boxStateAfter,
  changesCredentials,
  transitionOf,
  type ReservationTrigger,
  type Transition,
} from './reservation-transition.js';

/** Tries of a transition when the reservation changed under it meanwhile. */
const APPLY_TRIES = 3;

/** Who changes a reservation, when, and what to write down. */
export interface ApplyContext {
  /** When it happened: a device event's own time, or the cloud's. */
  readonly at: number;
  readonly actor: string;
  /** The device message that caused it, so a replay is recorded once. */
  readonly seq: number | null;
  readonly details?: Readonly<Record<string, unknown>>;
  /** An audit action for a person's change, e.g. `locker-reservation.cancel`. */
  readonly audit?: string;
}

/** What `apply` did. */
export interface Applied {
  readonly reservation: Reservation;
  readonly transition: Transition;
  /** The bank's credential set has a new version to publish. */
  readonly credentialsChanged: boolean;
}

/**
 * Moves reservations along the transition table (`reservation-transition.ts`): every move is
 * one transaction with the bank's credential-set version bump (when its credentials change,
 * taken first: it locks the bank on PostgreSQL), the box's new state, a history line and, for
 * a person's change, the audit row. Publishing the new set is the caller's, after the commit.
 */
export class ReservationLifecycle {
  readonly #d: { readonly db: Kysely<Schema>; readonly clock: Clock; readonly log: Logger };

  constructor(deps: { readonly db: Kysely<Schema>; readonly clock: Clock; readonly log: Logger }) {
    this.#d = deps;
  }

  /**
   * Applies a trigger along the transition table, in one transaction with the bank's version
   * bump (when the credentials change), the box's new state and a history line. A reservation
   * that moved meanwhile is read again and the trigger re-applied.
   */
  async apply(id: string, trigger: ReservationTrigger, c: ApplyContext): Promise<Applied> {
    const { db, clock } = this.#d;
    for (let attempt = 1; ; attempt++) {
      const current = await reservationStore.get(db, id);
      if (current === undefined) throw reservationNotFound(id);
      const transition = transitionOf(current.state, trigger);
      if (transition.kind !== 'move') {
        return { reservation: current, transition, credentialsChanged: false };
      }
      const to = transition.to;
      const bump = changesCredentials(current.state, to);
      const now = clock.now();
      const moved = await db
        .transaction()
        .execute(async (trx) => {
          if (bump) await bankStore.bumpVersion(trx, current.bank, now);
          const r = await reservationStore.move(trx, id, current.state, to, c.at);
          // Rolls the bump back; the loop reads the reservation again.
          if (r === undefined) throw new MovedMeanwhile();
          const box = boxStateAfter(current.state, to);
          if (box === 'occupied' || box === 'available') {
            const from = box === 'occupied' ? (['reserved', 'available'] as const) : BUSY;
            await bankStore.settle(trx, { bank: r.bank, number: r.box }, from, box, now);
          }
          const details = { from: current.state, ...c.details };
          await reservationStore.record(trx, {
            reservationId: id,
            at: c.at,
            event: to,
            actor: c.actor,
            details,
            seq: c.seq,
          });
          if (c.audit !== undefined) {
            await recordAudit(trx, now, { actor: c.actor, action: c.audit, subject: id, details });
          }
          return r;
        })
        .catch((err: unknown) => {
          if (err instanceof MovedMeanwhile && attempt < APPLY_TRIES) return undefined;
          throw err;
        });
      if (moved === undefined) continue;
      this.#d.log.info(
        {
          reservation: id,
          bank: moved.bank,
          box: moved.box,
          from: current.state,
          to,
          actor: c.actor,
        },
        'locker reservation moved',
      );
      return { reservation: moved, transition, credentialsChanged: bump };
    }
  }
}

/** Box states a reservation's end may free. */
const BUSY = ['reserved', 'occupied'] as const;

/** Thrown inside a transaction to roll it back when the reservation moved under it. */
class MovedMeanwhile extends Error {}

export function reservationNotFound(id: string): HameauError {
  return new HameauError('LOCKER_RESERVATION_NOT_FOUND', `no reservation ${id}`, { id });
}
