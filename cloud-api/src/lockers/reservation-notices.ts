import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import type { Schema } from '../storage/schema.js';
import { bankStore } from './bank-store.js';
import { SYSTEM_ACTOR, type Reservation } from './locker.js';
import type { LockerNotifier } from './locker-notifier.js';
import type { ReservationLifecycle } from './reservation-lifecycle.js';
import { reservationStore } from './reservation-store.js';

export interface ReservationNoticesDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly notifier: LockerNotifier;
  readonly lifecycle: ReservationLifecycle;
}

/**
 * The notifications a reservation owes its recipient: `parcelReady` once deposited (which is
 * what makes it `ready`), `parcelExpired` once an expired parcel goes back to its merchant.
 * Ingestion sends the first at once, the sweeper whatever is still owed.
 */
export class ReservationNotices {
  readonly #d: ReservationNoticesDeps;
  /** Notifications being sent, by kind and reservation. */
  readonly #sending = new Map<string, Promise<boolean>>();

  constructor(deps: ReservationNoticesDeps) {
    this.#d = deps;
  }

  /**
   * Tells the recipient a deposited parcel is ready, then moves the reservation to `ready`;
   * false when the notifier failed (the sweeper tries again) or it no longer applies. The
   * reservation is read afresh and notified by one caller at a time (ingestion and the sweeper
   * may both try), so within one API a recipient hears once.
   */
  notifyReady(id: string): Promise<boolean> {
    return this.#once(`ready:${id}`, async () => {
      const r = await reservationStore.get(this.#d.db, id);
      if (r?.state !== 'deposited') return false;
      const found = await this.#bankAndBox(r);
      if (found === undefined) return false;
      try {
        await this.#d.notifier.parcelReady(r, found.bank, found.box);
      } catch (err) {
        this.#notifierFailed(err, r, 'parcel-ready');
        return false;
      }
      const applied = await this.#d.lifecycle.apply(r.id, 'notify-ready', {
        at: this.#d.clock.now(),
        actor: SYSTEM_ACTOR,
        seq: null,
        details: { notifier: this.#d.notifier.name },
      });
      return applied.transition.kind === 'move';
    });
  }

  /** Tells the recipient of an expired parcel that it goes back to the merchant. */
  notifyExpired(id: string): Promise<boolean> {
    return this.#once(`expired:${id}`, async () => {
      const r = await reservationStore.get(this.#d.db, id);
      if (r?.state !== 'expired' || r.depositedAt === null || r.expiryNotifiedAt !== null) {
        return false;
      }
      const found = await this.#bankAndBox(r);
      if (found === undefined) return false;
      try {
        await this.#d.notifier.parcelExpired(r, found.bank, found.box);
      } catch (err) {
        this.#notifierFailed(err, r, 'parcel-expired');
        return false;
      }
      const now = this.#d.clock.now();
      await this.#d.db.transaction().execute(async (trx) => {
        await reservationStore.markExpiryNotified(trx, r.id, now);
        await reservationStore.record(trx, {
          reservationId: r.id,
          at: now,
          event: 'expiry-notified',
          actor: SYSTEM_ACTOR,
          details: { notifier: this.#d.notifier.name },
          seq: null,
        });
      });
      return true;
    });
  }

  /**
   * Runs `task`, or joins the run of the same key already under way: a caller (ingestion) that
   * finds the sweeper notifying returns once the notification is done, not before.
   */
  #once(key: string, task: () => Promise<boolean>): Promise<boolean> {
    const running = this.#sending.get(key);
    if (running !== undefined) return running;
    const run = task().finally(() => {
      this.#sending.delete(key);
    });
    this.#sending.set(key, run);
    return run;
  }

  #notifierFailed(err: unknown, r: Reservation, what: string): void {
    this.#d.log.warn(
      { err, reservation: r.id, notifier: this.#d.notifier.name },
      `${what} notification failed; retried by the sweeper`,
    );
  }

  async #bankAndBox(r: Reservation) {
    const [bank, box] = await Promise.all([
      bankStore.get(this.#d.db, r.bank),
      bankStore.box(this.#d.db, r.bank, r.box),
    ]);
    return bank === undefined || box === undefined ? undefined : { bank, box };
  }
}
