import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { HameauError, UnlockArgs, type Clock } from '@hameau/protocol';
import { generatePickupCode } from '@hameau/protocol/pickup-code';
import { recordAudit } from '../audit/audit-store.js';
import type { Caller } from '../auth/caller.js';
import type { CommandService, CreatedCommand } from '../commands/command-service.js';
import { parseInput, validationFailed, type InputIssue } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import { isUniqueViolation } from '../storage/unique-violation.js';
import { bankNotFound } from './bank-service.js';
import { bankStore } from './bank-store.js';
import type { CredentialSender } from './credential-sender.js';
import {
  BOX_SIZES,
  ReservationId,
  type BoxSize,
  type HistoryEntry,
  type LockerBank,
  type Reservation,
} from './locker.js';
import { codeHashOf } from './locker-keys.js';
import { DEFAULT_HOLD_MS, MAX_RESERVATION_MS, nextLocalHour } from './pickup-window.js';
import { ListReservationsInput, OpenBoxInput, ReserveInput } from './reservation-inputs.js';
import { reservationNotFound, type ReservationLifecycle } from './reservation-lifecycle.js';
import { REMOTE_OPEN_EVENT, reservationStore } from './reservation-store.js';

/** How long the device may still run a remote `unlock` for a reservation. */
export const OPEN_TTL_SECONDS = 60;
/** Codes drawn before giving up on one unique among the bank's active credentials. */
const CODE_DRAWS = 20;

/** A new reservation with its two codes: the only time they exist outside the bank's keypad. */
export interface CreatedReservation {
  readonly reservation: Reservation;
  readonly pickupCode: string;
  readonly dropoffCode: string;
}

export interface ReservationServiceDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly sender: CredentialSender;
  readonly lifecycle: ReservationLifecycle;
  readonly commands: CommandService;
  /** The town's time zone: the default pickup time is 21:00 there. */
  readonly timeZone: string;
  readonly hashKeyOf: (bank: LockerBank) => Buffer;
  /** Draws a code; `generatePickupCode` except in tests of collisions. */
  readonly generateCode?: () => string;
}

/**
 * What people do with reservations: merchants reserve, read, cancel and open their own boxes;
 * technicians and admins read and open any. The agent's events, the notifier and the sweeper
 * move them too, through the same `ReservationLifecycle`.
 */
export class ReservationService {
  readonly #d: ReservationServiceDeps;
  readonly #generate: () => string;

  constructor(deps: ReservationServiceDeps) {
    this.#d = deps;
    this.#generate = deps.generateCode ?? generatePickupCode;
  }

  /**
   * Reserves the lowest-numbered free box of the size (or the smallest larger one with
   * `allowLarger`) for the caller, draws the pickup and drop-off codes and returns them: they
   * are not stored, only their hashes under the bank's key are. The bank's row is locked by
   * the version bump before the box is chosen, and a partial unique index backs it, so two
   * reservations can never hold one box.
   */
  async reserve(input: ReserveInput, caller: Caller): Promise<CreatedReservation> {
    const body = parseInput(ReserveInput, input, 'body');
    const { db, clock } = this.#d;
    const now = clock.now();
    const bank = await bankStore.get(db, body.bank);
    if (bank === undefined) throw bankNotFound(body.bank);
    const pickupFrom =
      body.pickupFrom === undefined
        ? nextLocalHour(now, this.#d.timeZone)
        : Date.parse(body.pickupFrom);
    const expiresAt =
      body.expiresAt === undefined ? pickupFrom + DEFAULT_HOLD_MS : Date.parse(body.expiresAt);
    checkWindow(now, pickupFrom, expiresAt);
    const merchant = caller.name;
    const existing = await reservationStore.activeByReference(db, merchant, body.reference);
    if (existing !== undefined) throw referenceTaken(existing);

    const key = this.#d.hashKeyOf(bank);
    const sizes = body.allowLarger ? BOX_SIZES.slice(BOX_SIZES.indexOf(body.size)) : [body.size];
    const id = `rsv-${randomBytes(16).toString('base64url')}`;
    let created: CreatedReservation;
    try {
      created = await db
        .transaction()
        .execute((trx) =>
          this.#insert(trx, { id, bank, key, sizes, merchant, body, pickupFrom, expiresAt, now }),
        );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A concurrent request with the same reference won; the box index cannot fire behind
      // the bank lock, but if it ever did, the box was not free.
      const winner = await reservationStore.activeByReference(db, merchant, body.reference);
      if (winner !== undefined) throw referenceTaken(winner);
      throw noBox(bank.id, body.size, body.allowLarger);
    }
    const r = created.reservation;
    this.#d.log.info(
      { reservation: r.id, bank: r.bank, box: r.box, size: r.size, merchant },
      'locker box reserved',
    );
    await this.#d.sender.sendLatest(bank.id);
    return created;
  }

  /** One reservation the caller may see; a merchant sees only theirs (404 for the others). */
  async get(id: string, caller: Caller): Promise<Reservation> {
    return this.#visible(id, caller);
  }

  /** A reservation's history, for a caller who may see it. */
  async history(id: string, caller: Caller): Promise<HistoryEntry[]> {
    const r = await this.#visible(id, caller);
    return reservationStore.history(this.#d.db, r.id);
  }

  /** Reservations newest first; a merchant's own only. */
  async list(input: ListReservationsInput, caller: Caller): Promise<Reservation[]> {
    const f = parseInput(ListReservationsInput, input, 'querystring');
    let after: { createdAt: number; id: string } | undefined;
    if (f.before !== undefined) {
      const last = await this.#visible(f.before, caller, 'querystring.before');
      after = { createdAt: last.createdAt, id: last.id };
    }
    return reservationStore.list(this.#d.db, {
      merchant: caller.role === 'merchant' ? caller.name : undefined,
      bank: f.bank,
      state: f.state,
      reference: f.reference,
      after,
      limit: f.limit,
    });
  }

  /**
   * Cancels a reservation whose parcel was not deposited: its box is freed and its credentials
   * are withdrawn from the bank (a new set version). Cancelling twice answers the cancelled
   * reservation; any later state is `LOCKER_RESERVATION_TRANSITION_INVALID`.
   */
  async cancel(id: string, caller: Caller): Promise<Reservation> {
    const r = await this.#visible(id, caller);
    const applied = await this.#d.lifecycle.apply(r.id, 'cancel', {
      at: this.#d.clock.now(),
      actor: caller.name,
      seq: null,
      audit: 'locker-reservation.cancel',
    });
    if (applied.transition.kind === 'refused') {
      throw transitionInvalid(
        applied.reservation,
        'cancelled',
        'only a reservation whose parcel was not deposited can be',
      );
    }
    if (applied.credentialsChanged) await this.#d.sender.sendLatest(r.bank);
    return applied.reservation;
  }

  /**
   * Opens the reservation's box with the device command `unlock` through the commands domain
   * (which owns its delivery, expiry and idempotency). A merchant may, for its own reservation
   * while it is `reserved` (the drop-off); technicians and admins at any state, with a reason.
   */
  async open(id: string, input: OpenBoxInput | null, caller: Caller): Promise<CreatedCommand> {
    const body = parseInput(OpenBoxInput, input ?? {}, 'body');
    const r = await this.#visible(id, caller);
    let reason: string;
    if (caller.role === 'merchant') {
      if (r.state !== 'reserved') {
        throw transitionInvalid(
          r,
          'opened by its merchant',
          'only a reserved box is opened for a drop-off',
        );
      }
      reason = body.reason ?? `drop-off for reservation ${r.id}`;
    } else {
      if (body.reason === undefined) {
        throw validationFailed([
          { path: 'body.reason', message: 'a technician or admin opening a box must say why' },
        ]);
      }
      reason = body.reason;
    }
    const bank = await bankStore.get(this.#d.db, r.bank);
    if (bank === undefined) throw bankNotFound(r.bank);
    const args = UnlockArgs.parse({ box: r.box, reason });
    const created = await this.#d.commands.create(
      bank.site,
      bank.device,
      {
        name: 'unlock',
        args,
        ttlSeconds: OPEN_TTL_SECONDS,
        ...(body.commandId !== undefined && { id: body.commandId }),
      },
      caller.name,
    );
    if (created.created) {
      await reservationStore.record(this.#d.db, {
        reservationId: r.id,
        at: this.#d.clock.now(),
        event: REMOTE_OPEN_EVENT,
        actor: caller.name,
        details: { command: created.command.id, role: caller.role, reason },
        seq: null,
      });
    }
    return created;
  }

  /** Takes a box, draws the codes and writes the reservation, in the caller's transaction. */
  async #insert(
    trx: Kysely<Schema>,
    r: {
      readonly id: string;
      readonly bank: LockerBank;
      readonly key: Buffer;
      readonly sizes: readonly BoxSize[];
      readonly merchant: string;
      readonly body: z.output<typeof ReserveInput>;
      readonly pickupFrom: number;
      readonly expiresAt: number;
      readonly now: number;
    },
  ): Promise<CreatedReservation> {
    const { id, bank, key, sizes, merchant, body, pickupFrom, expiresAt, now } = r;
    // First: on PostgreSQL it locks the bank until commit, so the box choice and the code
    // uniqueness below see every other reservation of the bank.
    await bankStore.bumpVersion(trx, bank.id, now);
    let box: { number: number; size: BoxSize } | undefined;
    for (const size of sizes) {
      const number = await bankStore.takeFreeBox(trx, bank.id, size, now);
      if (number !== undefined) {
        box = { number, size };
        break;
      }
    }
    if (box === undefined) throw noBox(bank.id, body.size, body.allowLarger);
    const taken = new Set(
      (await reservationStore.activeCredentials(trx, bank.id)).flatMap((a) => [
        a.pickupCodeHash,
        a.dropoffCodeHash,
      ]),
    );
    const pickup = this.#drawCode(key, taken);
    const dropoff = this.#drawCode(key, taken);
    const reservation: Reservation = {
      id,
      bank: bank.id,
      box: box.number,
      size: box.size,
      merchant,
      reference: body.reference,
      state: 'reserved',
      stateAt: now,
      createdAt: now,
      pickupFrom,
      expiresAt,
      depositedAt: null,
      readyAt: null,
      pickedUpAt: null,
      finishedAt: null,
      expiryNotifiedAt: null,
      recipient: body.recipient ?? null,
    };
    await reservationStore.insert(trx, {
      ...reservation,
      pickupCodeHash: pickup.hash,
      dropoffCodeHash: dropoff.hash,
    });
    const details = {
      bank: bank.id,
      box: box.number,
      size: box.size,
      reference: body.reference,
    };
    await reservationStore.record(trx, {
      reservationId: id,
      at: now,
      event: 'reserved',
      actor: merchant,
      details,
      seq: null,
    });
    await recordAudit(trx, now, {
      actor: merchant,
      action: 'locker-reservation.create',
      subject: id,
      details,
    });
    return { reservation, pickupCode: pickup.code, dropoffCode: dropoff.code };
  }

  async #visible(id: string, caller: Caller, where = 'params.id'): Promise<Reservation> {
    const valid = parseInput(ReservationId, id, where);
    const r = await reservationStore.get(this.#d.db, valid);
    // Another merchant's reservation does not exist for this caller: no 403 that confirms it.
    if (r === undefined || (caller.role === 'merchant' && r.merchant !== caller.name)) {
      throw reservationNotFound(valid);
    }
    return r;
  }

  /** A code whose hash no active credential of the bank has; adds the hash to `taken`. */
  #drawCode(key: Buffer, taken: Set<string>): { code: string; hash: string } {
    for (let i = 0; i < CODE_DRAWS; i++) {
      const code = this.#generate();
      const hash = codeHashOf(key, code);
      if (!taken.has(hash)) {
        taken.add(hash);
        return { code, hash };
      }
      this.#d.log.debug('pickup code collided with an active credential; drawn again');
    }
    throw new Error(`no unique pickup code after ${CODE_DRAWS} draws`);
  }
}

function checkWindow(now: number, pickupFrom: number, expiresAt: number): void {
  const issues: InputIssue[] = [];
  if (expiresAt <= pickupFrom) {
    issues.push({ path: 'body.expiresAt', message: 'must be after pickupFrom' });
  }
  if (expiresAt <= now) issues.push({ path: 'body.expiresAt', message: 'must be in the future' });
  if (expiresAt > now + MAX_RESERVATION_MS) {
    issues.push({ path: 'body.expiresAt', message: 'must be at most 30 days ahead' });
  }
  if (issues.length > 0) throw validationFailed(issues);
}

function referenceTaken(r: Reservation): HameauError {
  return new HameauError(
    'LOCKER_RESERVATION_EXISTS',
    `reservation ${r.id} is active for reference ${r.reference}`,
    { id: r.id },
  );
}

function noBox(bank: string, size: BoxSize, larger: boolean): HameauError {
  return new HameauError(
    'LOCKER_NO_BOX_AVAILABLE',
    `no ${larger ? `${size} or larger` : size} box is free in ${bank}`,
    { bank, size, allowLarger: larger },
  );
}

function transitionInvalid(r: Reservation, what: string, why: string): HameauError {
  return new HameauError(
    'LOCKER_RESERVATION_TRANSITION_INVALID',
    `reservation ${r.id} is ${r.state} and cannot be ${what}: ${why}`,
    { id: r.id, state: r.state },
  );
}
