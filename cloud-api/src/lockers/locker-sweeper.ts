import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { every, type Clock } from '@hameau/protocol';
import type { Schema } from '../storage/schema.js';
import type { CredentialSender } from './credential-sender.js';
import { SYSTEM_ACTOR } from './locker.js';
import { LOCKER_SWEEP_INTERVAL_MS } from './locker-settings.js';
import { reservationStore } from './reservation-store.js';
import type { ReservationLifecycle } from './reservation-lifecycle.js';
import type { ReservationNotices } from './reservation-notices.js';

/** Reservations handled per query; the loop goes on while a page comes back full. */
const PAGE = 100;

/** What one sweep did. */
export interface SweepCounts {
  readonly expired: number;
  readonly readyNotified: number;
  readonly expiryNotified: number;
}

export interface LockerSweeperDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly lifecycle: ReservationLifecycle;
  readonly notices: ReservationNotices;
  readonly sender: CredentialSender;
  readonly intervalMs?: number;
}

/**
 * Expires active reservations at their `expiresAt` (withdrawing their credentials: one new set
 * per bank), and sends the notifications still owed: `parcelReady` for deposited parcels whose
 * notification failed or was cut short by a restart, `parcelExpired` for expired parcels. It
 * works from stored times only, so the sweep at start catches up with a downtime.
 */
export class LockerSweeper {
  readonly #d: LockerSweeperDeps;
  #stop: (() => void) | null = null;
  #running: Promise<void> | null = null;
  #ticks = 0;

  constructor(deps: LockerSweeperDeps) {
    this.#d = deps;
  }

  /** Sweeps once now. */
  async sweep(): Promise<SweepCounts> {
    const { db, clock, lifecycle, notices } = this.#d;
    const banks = new Set<string>();
    let expired = 0;
    for (;;) {
      const due = await reservationStore.due(db, clock.now(), PAGE);
      for (const r of due) {
        // Dated at its expiry, not at the sweep: after a downtime the sweep is late, not it.
        const applied = await lifecycle.apply(r.id, 'expire', {
          at: r.expiresAt,
          actor: SYSTEM_ACTOR,
          seq: null,
        });
        if (applied.transition.kind === 'move') expired++;
        if (applied.credentialsChanged) banks.add(r.bank);
      }
      if (due.length < PAGE) break;
    }
    for (const bank of banks) await this.#d.sender.sendLatest(bank);
    const readyNotified = await this.#notifyAll(
      () => reservationStore.awaitingReadyNotice(db, PAGE),
      (r) => notices.notifyReady(r.id),
    );
    const expiryNotified = await this.#notifyAll(
      () => reservationStore.awaitingExpiryNotice(db, PAGE),
      (r) => notices.notifyExpired(r.id),
    );
    return { expired, readyNotified, expiryNotified };
  }

  /** Sweeps every interval until `stop`; a tick during a sweep makes it sweep once more. */
  start(): void {
    this.#stop ??= every(this.#d.clock, this.#d.intervalMs ?? LOCKER_SWEEP_INTERVAL_MS, () => {
      this.#ticks++;
      this.#running ??= this.#sweepWhileDue();
    });
  }

  stop(): void {
    this.#stop?.();
    this.#stop = null;
  }

  /** Resolves when no sweep is running. */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** Notifies one page; a failure stops the round (the notifier is likely down) until next time. */
  async #notifyAll<R>(
    page: () => Promise<readonly R[]>,
    notify: (r: R) => Promise<boolean>,
  ): Promise<number> {
    let sent = 0;
    for (const r of await page()) {
      if (!(await notify(r))) break;
      sent++;
    }
    return sent;
  }

  async #sweepWhileDue(): Promise<void> {
    for (;;) {
      const ticks = this.#ticks;
      try {
        const counts = await this.sweep();
        if (counts.expired + counts.readyNotified + counts.expiryNotified > 0) {
          this.#d.log.info(counts, 'locker sweep');
        }
      } catch (err) {
        this.#d.log.error({ err }, 'locker sweep failed; retried at the next interval');
      }
      if (this.#ticks === ticks || this.#stop === null) break;
    }
    this.#running = null;
  }
}
