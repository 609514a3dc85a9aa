import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { LOCKER_EVENTS, type Clock, type LockerEventData } from '@hameau/protocol';
import type { AlarmService } from '../alarms/alarm-service.js';
import type {
  IngestedMessage,
  IngestedOf,
  IngestionListener,
} from '../ingestion/ingested-message.js';
import type { Schema } from '../storage/schema.js';
import { bankStore } from './bank-store.js';
import type { CredentialSender } from './credential-sender.js';
import {
  DEVICE_ACTOR,
  reservationIdOfCredential,
  type LockerBank,
  type Reservation,
} from './locker.js';
import { reservationStore } from './reservation-store.js';
import type { ReservationLifecycle } from './reservation-lifecycle.js';
import type { ReservationNotices } from './reservation-notices.js';

/** The locker events this listener acts on; alarms come from the alarms domain. */
const HANDLED = [
  'parcel-deposited',
  'parcel-picked-up',
  'code-accepted',
  'item-left-after-pickup',
  'door-closed',
] as const;
type Handled = (typeof HANDLED)[number];

/** The alarm type of a parcel deposited for a reservation already cancelled or expired. */
export const UNEXPECTED_PARCEL_ALARM = 'locker-unexpected-parcel';

export interface LockerEventListenerDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly lifecycle: ReservationLifecycle;
  readonly notices: ReservationNotices;
  readonly sender: CredentialSender;
  readonly alarms: AlarmService;
}

/**
 * Moves reservations along with the locker agents' events: `parcel-deposited` (then the
 * recipient is notified and it is `ready`), `parcel-picked-up`, or a door closed after an
 * opening by command; records `code-accepted` and `item-left-after-pickup` on the history; and
 * a door closed empty on an `occupied` box that no reservation holds (an expired parcel taken
 * back) frees it. Banks whose credentials changed
 * get their new set published once, after the batch.
 *
 * Idempotent: transitions only move forward and history lines are keyed on the message's seq,
 * so a batch handed over again, or events reordered by an outbox replay, change nothing twice.
 */
export class LockerEventListener implements IngestionListener {
  readonly name = 'lockers';
  readonly #d: LockerEventListenerDeps;

  constructor(deps: LockerEventListenerDeps) {
    this.#d = deps;
  }

  async onBatch(messages: readonly IngestedMessage[]): Promise<void> {
    const banks = new Map<string, LockerBank | null>();
    const changed = new Set<string>();
    const deposited: Reservation[] = [];
    for (const m of messages) {
      if (m.kind !== 'event' || !isHandled(m.type)) continue;
      const key = `${m.site}/${m.device}`;
      if (!banks.has(key)) {
        banks.set(key, (await bankStore.byDevice(this.#d.db, m.site, m.device)) ?? null);
      }
      const bank = banks.get(key);
      if (bank === null || bank === undefined) continue;
      const parsed = LOCKER_EVENTS[m.type].safeParse(m.payload.data);
      if (!parsed.success) {
        this.#d.log.warn(
          { bank: bank.id, type: m.type, seq: m.payload.seq },
          'locker event with invalid data; skipped',
        );
        continue;
      }
      const effect = await this.#handle(bank, m, m.type, parsed.data);
      if (effect.credentialsChanged) changed.add(bank.id);
      if (effect.deposited !== undefined) deposited.push(effect.deposited);
    }
    for (const bank of changed) await this.#d.sender.sendLatest(bank);
    for (const r of deposited) await this.#d.notices.notifyReady(r.id);
  }

  async #handle(
    bank: LockerBank,
    m: IngestedOf<'event'>,
    type: Handled,
    data: LockerEventData<Handled>,
  ): Promise<{ credentialsChanged: boolean; deposited?: Reservation }> {
    const at = Date.parse(m.payload.at);
    const seq = m.payload.seq;
    const none = { credentialsChanged: false };
    if (type === 'door-closed') {
      const d = data as LockerEventData<'door-closed'>;
      const inferred = await this.#closedAfterRemoteOpen(bank, d.box, d.itemPresent, at, seq);
      if (inferred !== undefined) return inferred;
      if (!d.itemPresent) await this.#emptied(bank, d.box, at, seq);
      return none;
    }
    const d = data as LockerEventData<Exclude<Handled, 'door-closed'>>;
    const kind = type === 'parcel-deposited' ? 'dropoff' : 'pickup';
    const expectKind = type === 'code-accepted' ? undefined : kind;
    const r = await this.#reservationOf(bank, d.box, d.credential, expectKind, type);
    if (r === undefined) return none;
    const context = {
      at,
      actor: DEVICE_ACTOR,
      seq,
      details: { box: d.box, credential: d.credential },
    };
    switch (type) {
      case 'parcel-deposited': {
        const applied = await this.#d.lifecycle.apply(r.id, 'deposit', context);
        if (applied.transition.kind === 'refused') await this.#unexpectedParcel(bank, r, at, seq);
        const moved = applied.transition.kind === 'move';
        return {
          credentialsChanged: applied.credentialsChanged,
          ...(moved && { deposited: applied.reservation }),
        };
      }
      case 'parcel-picked-up': {
        const applied = await this.#d.lifecycle.apply(r.id, 'pick-up', context);
        if (applied.transition.kind === 'refused') {
          await this.#record(r, 'late-pickup', at, seq, { box: d.box, state: r.state });
        }
        return { credentialsChanged: applied.credentialsChanged };
      }
      case 'code-accepted': {
        const c = data as LockerEventData<'code-accepted'>;
        await this.#record(r, type, at, seq, { box: c.box, kind: c.kind, terminal: c.terminal });
        return none;
      }
      case 'item-left-after-pickup':
        await this.#record(r, type, at, seq, { box: d.box });
        return none;
    }
  }

  /** The reservation a credential named in an event belongs to, checked against the bank. */
  async #reservationOf(
    bank: LockerBank,
    box: number,
    credential: string,
    kind: 'dropoff' | 'pickup' | undefined,
    type: string,
  ): Promise<Reservation | undefined> {
    const id = reservationIdOfCredential(credential);
    const r = id === undefined ? undefined : await reservationStore.get(this.#d.db, id);
    const suffix = credential.endsWith('-d') ? 'dropoff' : 'pickup';
    if (r?.bank !== bank.id || r.box !== box || (kind !== undefined && kind !== suffix)) {
      this.#d.log.warn(
        { bank: bank.id, box, credential, type },
        'locker event names no reservation of this bank and box; skipped',
      );
      return undefined;
    }
    return r;
  }

  /**
   * A parcel deposited for a reservation already cancelled or expired (the agent was offline
   * when its credentials were withdrawn): the box holds a parcel nobody expects. It is marked
   * occupied if it was free, and a technician gets an alarm.
   */
  async #unexpectedParcel(bank: LockerBank, r: Reservation, at: number, seq: number) {
    if (!(await this.#record(r, 'late-deposit', at, seq, { box: r.box, state: r.state }))) return;
    const now = this.#d.clock.now();
    await bankStore.settle(
      this.#d.db,
      { bank: bank.id, number: r.box },
      ['available'],
      'occupied',
      now,
    );
    await this.#d.alarms.raise({
      site: bank.site,
      device: bank.device,
      type: UNEXPECTED_PARCEL_ALARM,
      subject: String(r.box),
      severity: 'warning',
      message: `parcel deposited in box ${r.box} of ${bank.id} for reservation ${r.id}, already ${r.state}`,
      details: { bank: bank.id, box: r.box, reservation: r.id, state: r.state },
      at,
      seq,
    });
  }

  /**
   * A box opened by command (`POST …/open`) names no credential when it closes, so the agent
   * reports no deposit or pickup: the door closing tells. Closed with an item on a `reserved`
   * box opened by command since, it is the merchant's deposit; closed empty on a `deposited` or
   * `ready` one, the pickup a technician let the resident make. Undefined when neither applies.
   */
  async #closedAfterRemoteOpen(
    bank: LockerBank,
    box: number,
    itemPresent: boolean,
    at: number,
    seq: number,
  ): Promise<{ credentialsChanged: boolean; deposited?: Reservation } | undefined> {
    const r = await reservationStore.activeOnBox(this.#d.db, bank.id, box);
    if (r === undefined) return undefined;
    const trigger =
      itemPresent && r.state === 'reserved'
        ? 'deposit'
        : !itemPresent && r.state !== 'reserved'
          ? 'pick-up'
          : undefined;
    if (trigger === undefined) return undefined;
    if (!(await reservationStore.openedRemotelySince(this.#d.db, r.id, r.stateAt))) {
      return undefined;
    }
    const applied = await this.#d.lifecycle.apply(r.id, trigger, {
      at,
      actor: DEVICE_ACTOR,
      seq,
      details: { box, after: 'remote-unlock' },
    });
    const moved = applied.transition.kind === 'move';
    return {
      credentialsChanged: applied.credentialsChanged,
      ...(moved && trigger === 'deposit' && { deposited: applied.reservation }),
    };
  }

  /** A door closed with nothing inside on an occupied box no reservation holds: it is free. */
  async #emptied(bank: LockerBank, box: number, at: number, seq: number): Promise<void> {
    const now = this.#d.clock.now();
    const freed = await bankStore.settle(
      this.#d.db,
      { bank: bank.id, number: box },
      ['occupied'],
      'available',
      now,
    );
    if (!freed) return;
    this.#d.log.info({ bank: bank.id, box }, 'locker box emptied; available again');
    const returned = await reservationStore.expiredHolding(this.#d.db, bank.id, box);
    if (returned !== undefined) await this.#record(returned, 'parcel-returned', at, seq, { box });
  }

  #record(
    r: Reservation,
    event: string,
    at: number,
    seq: number,
    details: Record<string, unknown>,
  ): Promise<boolean> {
    return reservationStore.record(this.#d.db, {
      reservationId: r.id,
      at,
      event,
      actor: DEVICE_ACTOR,
      details,
      seq,
    });
  }
}

function isHandled(type: string): type is Handled {
  return (HANDLED as readonly string[]).includes(type);
}
