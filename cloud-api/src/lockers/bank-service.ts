import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { BoxNumber, DeviceId, HameauError, SiteId, type Clock } from '@hameau/protocol';
import { recordAudit } from '../audit/audit-store.js';
import type { DeviceService } from '../devices/device-service.js';
import { parseInput, validationFailed } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import { isUniqueViolation } from '../storage/unique-violation.js';
import { bankStore, type FreeCounts } from './bank-store.js';
import type { CredentialSender } from './credential-sender.js';
import {
  BoxSize,
  LockerBankId,
  LockerLocation,
  type LockerBank,
  type LockerBox,
} from './locker.js';
import { reservationStore } from './reservation-store.js';

/** A new bank with its boxes. */
export const CreateBankInput = z
  .object({
    id: LockerBankId,
    site: SiteId,
    device: DeviceId.describe('The edge agent (of kind `locker`) that drives the boxes'),
    name: z.string().trim().min(1).max(100),
    location: LockerLocation.optional(),
    boxes: z
      .array(z.object({ number: BoxNumber, size: BoxSize }).strict())
      .min(1)
      .max(999)
      .refine((boxes) => new Set(boxes.map((b) => b.number)).size === boxes.length, {
        message: 'box numbers must be unique',
      }),
  })
  .strict();
export type CreateBankInput = z.input<typeof CreateBankInput>;

/** A change of a bank's name or location (`location: null` removes it). */
export const UpdateBankInput = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    location: LockerLocation.nullable().optional(),
  })
  .strict();
export type UpdateBankInput = z.input<typeof UpdateBankInput>;

/** What a technician may set a box to: back in service (emptied), or out of service. */
export const SetBoxStateInput = z
  .object({
    state: z.enum(['available', 'out-of-service']),
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export type SetBoxStateInput = z.input<typeof SetBoxStateInput>;

/** A bank with its boxes, for technicians. */
export interface BankDetail {
  readonly bank: LockerBank;
  readonly boxes: readonly LockerBox[];
}

/** A bank as the public sees it. */
export interface BankSummary {
  readonly bank: LockerBank;
  readonly free: FreeCounts;
}

/** Box states a technician may change; `reserved` belongs to its reservation. */
const SETTABLE_FROM = ['available', 'occupied', 'out-of-service'] as const;

const NONE_FREE: FreeCounts = Object.freeze({ S: 0, M: 0, L: 0, XL: 0 });

export interface BankServiceDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly devices: DeviceService;
  readonly sender: CredentialSender;
}

/**
 * The registry of locker banks and their boxes. A bank starts with an empty credential set,
 * version 1, published at once, so an agent that held another bank's set before forgets it.
 */
export class BankService {
  readonly #d: BankServiceDeps;

  constructor(deps: BankServiceDeps) {
    this.#d = deps;
  }

  /** Creates a bank; its device must be registered and of kind `locker`. */
  async create(input: CreateBankInput, actor: string): Promise<BankDetail> {
    const body = parseInput(CreateBankInput, input, 'body');
    const device = await this.#d.devices.get(body.site, body.device);
    if (device.kind !== 'locker') {
      throw validationFailed([
        { path: 'body.device', message: `${body.site}/${body.device} is a ${device.kind} device` },
      ]);
    }
    const now = this.#d.clock.now();
    const bank: LockerBank = {
      id: body.id,
      site: body.site,
      device: body.device,
      name: body.name,
      location: body.location ?? null,
      credentialVersion: 1,
      credentialsIssuedAt: now,
      credentialsPublishedVersion: null,
      createdAt: now,
      createdBy: actor,
    };
    const boxes = [...body.boxes].sort((a, b) => a.number - b.number);
    try {
      await this.#d.db.transaction().execute(async (trx) => {
        await bankStore.insert(trx, bank, boxes);
        await recordAudit(trx, now, {
          actor,
          action: 'locker-bank.create',
          subject: bank.id,
          details: { site: bank.site, device: bank.device, boxes: boxes.length },
        });
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      throw new HameauError(
        'LOCKER_BANK_EXISTS',
        `a locker bank ${bank.id}, or one on ${bank.site}/${bank.device}, already exists`,
        { id: bank.id, site: bank.site, device: bank.device },
      );
    }
    this.#d.log.info({ bank: bank.id, boxes: boxes.length, actor }, 'locker bank created');
    await this.#d.sender.sendLatest(bank.id);
    return this.detail(bank.id);
  }

  /** Every bank with its free boxes per size. */
  async list(): Promise<BankSummary[]> {
    const [banks, free] = await Promise.all([
      bankStore.list(this.#d.db),
      bankStore.freeCounts(this.#d.db),
    ]);
    return banks.map((bank) => ({ bank, free: free.get(bank.id) ?? NONE_FREE }));
  }

  async summary(id: string): Promise<BankSummary> {
    const bank = await this.get(id);
    const free = await bankStore.freeCounts(this.#d.db, bank.id);
    return { bank, free: free.get(bank.id) ?? NONE_FREE };
  }

  /** One bank; `LOCKER_BANK_NOT_FOUND` when unknown. */
  async get(id: string): Promise<LockerBank> {
    const valid = parseInput(LockerBankId, id, 'params.bank');
    const bank = await bankStore.get(this.#d.db, valid);
    if (bank === undefined) throw bankNotFound(valid);
    return bank;
  }

  async detail(id: string): Promise<BankDetail> {
    const bank = await this.get(id);
    return { bank, boxes: await bankStore.boxes(this.#d.db, bank.id) };
  }

  async update(id: string, input: UpdateBankInput, actor: string): Promise<BankDetail> {
    const valid = parseInput(LockerBankId, id, 'params.bank');
    const body = parseInput(UpdateBankInput, input, 'body');
    const now = this.#d.clock.now();
    await this.#d.db.transaction().execute(async (trx) => {
      if (!(await bankStore.update(trx, valid, body))) throw bankNotFound(valid);
      await recordAudit(trx, now, {
        actor,
        action: 'locker-bank.update',
        subject: valid,
        details: { fields: Object.keys(body) },
      });
    });
    return this.detail(valid);
  }

  /**
   * Publishes the bank's newest credential set again, retained, and answers once the broker
   * has it: `MQTT_UNAVAILABLE` when it could not (it goes out at the next connection anyway).
   */
  async resync(id: string, actor: string): Promise<{ version: number; credentials: number }> {
    const bank = await this.get(id);
    const sent = await this.#d.sender.sendLatest(bank.id);
    switch (sent.status) {
      case 'none':
        throw bankNotFound(bank.id);
      case 'invalid':
        throw new Error(`the credential set of ${bank.id} is not publishable`);
      case 'unavailable':
        throw new HameauError(
          'MQTT_UNAVAILABLE',
          'the broker did not take the credential set; it is published again when the API ' +
            'reconnects to the broker',
        );
      case 'published':
        await recordAudit(this.#d.db, this.#d.clock.now(), {
          actor,
          action: 'locker-bank.resync',
          subject: bank.id,
          details: { version: sent.version },
        });
        return { version: sent.version, credentials: sent.credentials };
    }
  }

  /**
   * Deletes a bank that never had a reservation (a mistake at creation); `LOCKER_BANK_IN_USE`
   * otherwise: reservations and their history outlive the boxes' service.
   */
  async delete(id: string, actor: string): Promise<void> {
    const valid = parseInput(LockerBankId, id, 'params.bank');
    const now = this.#d.clock.now();
    await this.#d.db.transaction().execute(async (trx) => {
      if (await reservationStore.hasAny(trx, valid)) {
        throw new HameauError(
          'LOCKER_BANK_IN_USE',
          `locker bank ${valid} has reservations; put its boxes out of service instead`,
          { id: valid },
        );
      }
      if (!(await bankStore.delete(trx, valid))) throw bankNotFound(valid);
      await recordAudit(trx, now, { actor, action: 'locker-bank.delete', subject: valid });
    });
    this.#d.log.info({ bank: valid, actor }, 'locker bank deleted');
  }

  /**
   * Puts a box out of service or back in service. A box an active reservation holds is
   * `LOCKER_BOX_BUSY`. Setting `available` on an `occupied` box says it was emptied (the parcel
   * of an expired reservation went back to its merchant).
   */
  async setBoxState(
    id: string,
    number: number,
    input: SetBoxStateInput,
    actor: string,
  ): Promise<LockerBox> {
    const bankId = parseInput(LockerBankId, id, 'params.bank');
    const box = parseInput(BoxNumber, number, 'params.number');
    const body = parseInput(SetBoxStateInput, input, 'body');
    const now = this.#d.clock.now();
    const changed = await this.#d.db.transaction().execute(async (trx) => {
      const before = await bankStore.box(trx, bankId, box);
      if (before === undefined) {
        if ((await bankStore.get(trx, bankId)) === undefined) throw bankNotFound(bankId);
        throw new HameauError('LOCKER_BOX_NOT_FOUND', `locker bank ${bankId} has no box ${box}`, {
          bank: bankId,
          box,
        });
      }
      const after = await bankStore.setState(trx, bankId, box, SETTABLE_FROM, body.state, now);
      if (after === undefined) {
        throw new HameauError(
          'LOCKER_BOX_BUSY',
          `box ${box} of ${bankId} is held by an active reservation`,
          { bank: bankId, box, state: before.state },
        );
      }
      if (before.state === 'occupied' && after.state !== 'occupied') {
        const returned = await reservationStore.expiredHolding(trx, bankId, box);
        if (returned !== undefined) {
          await reservationStore.record(trx, {
            reservationId: returned.id,
            at: now,
            event: 'parcel-returned',
            actor,
            details: { box, ...(body.note && { note: body.note }) },
            seq: null,
          });
        }
      }
      await recordAudit(trx, now, {
        actor,
        action: 'locker-box.set-state',
        subject: `${bankId}/${box}`,
        details: { from: before.state, to: body.state, ...(body.note && { note: body.note }) },
      });
      return { before, after };
    });
    this.#d.log.info(
      { bank: bankId, box, from: changed.before.state, to: changed.after.state, actor },
      'locker box state set',
    );
    return changed.after;
  }
}

export function bankNotFound(id: string): HameauError {
  return new HameauError('LOCKER_BANK_NOT_FOUND', `no locker bank ${id}`, { id });
}
