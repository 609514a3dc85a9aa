import { appendFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { LockerBank, LockerBox, Reservation } from './locker.js';

/**
 * Tells a parcel's recipient what became of it. The cloud never knows a code after handing it
 * to the merchant, so no notifier can send one: the merchant passes the pickup code to its
 * customer with the order, and the notification says where and until when.
 *
 * Calls must be quick (queue anything slow): ingestion waits for `parcelReady`. A call that
 * rejects is retried by the sweeper, so a notification may go out twice, never zero times.
 */
export interface LockerNotifier {
  /** A short name for logs and history (`log-file`, `smtp`). */
  readonly name: string;
  /** The parcel is in its box; it can be collected from `reservation.pickupFrom`. */
  parcelReady(reservation: Reservation, bank: LockerBank, box: LockerBox): Promise<void>;
  /** The parcel was not collected before `reservation.expiresAt`: it goes back to the merchant. */
  parcelExpired(reservation: Reservation, bank: LockerBank, box: LockerBox): Promise<void>;
}

/** The notification a notifier sends, as JSON: what any channel needs, never a code. */
export function notificationOf(
  kind: 'parcel-ready' | 'parcel-expired',
  r: Reservation,
  bank: LockerBank,
  box: LockerBox,
  at: number,
): Record<string, unknown> {
  return {
    at: new Date(at).toISOString(),
    kind,
    reservation: r.id,
    merchant: r.merchant,
    reference: r.reference,
    bank: { id: bank.id, name: bank.name, location: bank.location },
    box: box.number,
    size: box.size,
    pickupFrom: new Date(r.pickupFrom).toISOString(),
    expiresAt: new Date(r.expiresAt).toISOString(),
    recipient: r.recipient,
  };
}

/**
 * The default notifier: appends one JSON line per notification to a file
 * (`<dataDir>/notifications.log`), for a mail or SMS gateway to pick up, or for a person to
 * read in a town that has neither. Appends are atomic for lines this short.
 */
export class LogFileNotifier implements LockerNotifier {
  readonly name = 'log-file';
  readonly #file: string;
  readonly #now: () => number;

  constructor(file: string, now: () => number) {
    this.#file = file;
    this.#now = now;
  }

  get file(): string {
    return this.#file;
  }

  parcelReady(r: Reservation, bank: LockerBank, box: LockerBox): Promise<void> {
    return this.#append(notificationOf('parcel-ready', r, bank, box, this.#now()));
  }

  parcelExpired(r: Reservation, bank: LockerBank, box: LockerBox): Promise<void> {
    return this.#append(notificationOf('parcel-expired', r, bank, box, this.#now()));
  }

  async #append(line: Record<string, unknown>): Promise<void> {
    await appendFile(this.#file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }
}

/**
 * The notifier of an app built without one (tests, embedding programs): it only logs that a
 * notification would go out, without the recipient (personal data stays out of logs).
 */
export function logOnlyNotifier(log: Logger): LockerNotifier {
  const note = (kind: string, r: Reservation, box: LockerBox) => {
    log.info({ reservation: r.id, bank: r.bank, box: box.number, kind }, 'locker notification');
    return Promise.resolve();
  };
  return {
    name: 'log-only',
    parcelReady: (r, _bank, box) => note('parcel-ready', r, box),
    parcelExpired: (r, _bank, box) => note('parcel-expired', r, box),
  };
}
