import type { Logger } from 'pino';
import { z } from 'zod';
import { OpenedBy, type Clock, type TimerHandle } from '@hameau/protocol';
import type { AgentState } from '../../store/agent-state.js';
import type { BoardStatus } from './board/lock-board-bus.js';
import type { LockerEmit } from './locker-events.js';
import type { BoxPlace, LockerLayout } from './locker-layout.js';

/** State key of every box's last-known sensors and opening. */
export const BOXES_KEY = 'locker.boxes';

/** Who may open a box: a code of either kind, or a technician's remote command. */
export const Opener = z.enum(['pickup', 'dropoff', 'remote']);
export type Opener = z.infer<typeof Opener>;

/** An unlock under way: the door should be seen open before `until` (clock ms). */
const Expecting = z.object({ by: Opener, credential: z.string().nullable(), until: z.number() });
/** The door is open: who opened it (`none`: forced), since when, and whether it was alarmed. */
const Opening = z.object({
  by: OpenedBy,
  credential: z.string().nullable(),
  since: z.number(),
  alarmed: z.boolean(),
});
const BoxRecord = z.object({
  locked: z.boolean(),
  itemPresent: z.boolean(),
  opening: Opening.nullable(),
  expecting: Expecting.nullable(),
});
type BoxRecord = z.infer<typeof BoxRecord>;
const BoxRecords = z.record(z.string(), BoxRecord);

/** How an expected opening ended. `unknown`: the board stopped answering meanwhile. */
export type OpenResult = 'opened' | 'stuck' | 'unknown';

/** What the code check and the remote unlock need to know of a box. */
export interface BoxView {
  /** False while its board has not answered (never read, or unreachable). */
  readonly known: boolean;
  readonly locked: boolean;
  readonly itemPresent: boolean;
  /** An unlock is under way. */
  readonly busy: boolean;
}

/** What a tracker works with. */
export interface BoxTrackerOptions {
  readonly layout: LockerLayout;
  readonly clock: Clock;
  readonly state: AgentState;
  readonly log: Logger;
  readonly emit: LockerEmit;
  readonly doorOpenAlarmMs: number;
  readonly openConfirmMs: number;
  /** Makes a credential usable again: its box was not opened after all. */
  readonly release: (credential: string) => void;
}

/**
 * Every box's doors and items, as the boards report them, turned into the bank's events: who
 * opened a door (a code, a technician, or nobody: forced), what was left inside when it closed,
 * doors left open. The last-known state and the unlocks under way are durable, so a restart
 * compares the boards with what was true before it and raises a forced door it did not see.
 */
export class BoxTracker {
  readonly #o: BoxTrackerOptions;
  readonly #records = new Map<number, BoxRecord>();
  readonly #known = new Set<number>();
  /** Expectations with no waiter: loaded at start, or left when the board became unreachable. */
  readonly #stale = new Set<number>();
  readonly #waiters = new Map<number, (result: OpenResult) => void>();
  readonly #confirmTimers = new Map<number, TimerHandle>();
  readonly #openTimers = new Map<number, TimerHandle>();

  constructor(options: BoxTrackerOptions) {
    this.#o = options;
    const stored = options.state.get(BOXES_KEY, BoxRecords) ?? {};
    for (const box of options.layout.boxes) {
      const record = stored[String(box.number)];
      if (record === undefined) continue;
      this.#records.set(box.number, record);
      if (record.expecting !== null) this.#stale.add(box.number);
    }
  }

  /** What is known of box `number` now, or undefined when the bank has no such box. */
  view(number: number): BoxView | undefined {
    if (this.#o.layout.box(number) === undefined) return undefined;
    const record = this.#records.get(number);
    const known = record !== undefined && this.#known.has(number);
    return {
      known,
      locked: record?.locked ?? false,
      itemPresent: record?.itemPresent ?? false,
      busy: record?.expecting != null,
    };
  }

  /** Counts for the bank's telemetry: boxes with an item, doors open, boxes unknown. */
  counts(): { occupied: number; doorsOpen: number; unknown: number } {
    let occupied = 0;
    let doorsOpen = 0;
    let unknown = 0;
    for (const box of this.#o.layout.boxes) {
      const record = this.#records.get(box.number);
      if (record === undefined || !this.#known.has(box.number)) {
        unknown++;
        continue;
      }
      if (record.itemPresent) occupied++;
      if (!record.locked) doorsOpen++;
    }
    return { occupied, doorsOpen, unknown };
  }

  /**
   * Takes a good status of `board` on `bus`: every change since the last-known state (the
   * previous poll, or the state before a restart or an outage) becomes events.
   */
  applyStatus(bus: string, status: BoardStatus): void {
    let changed = false;
    for (const box of this.#o.layout.onBoard(bus, status.board)) {
      const locked = status.locked[box.lock];
      const itemPresent = status.itemPresent[box.lock];
      if (locked === undefined || itemPresent === undefined) continue;
      this.#known.add(box.number);
      if (this.#applyBox(box, locked, itemPresent)) changed = true;
    }
    if (changed) this.#save();
  }

  /** The board stopped answering: its boxes are unknown (never taken as closed) until it does. */
  markUnknown(bus: string, board: number): void {
    for (const box of this.#o.layout.onBoard(bus, board)) this.#known.delete(box.number);
  }

  /**
   * Records, durably, that box `number` is about to be unlocked by `by`, and resolves when its
   * door is seen open, or when it is not within the confirm time: then the lock is stuck (an
   * alarm; the credential is released: nobody got in). Call before the unlock is sent, so that
   * the fastest poll cannot see the door open before it is expected.
   */
  expectOpening(number: number, by: Opener, credential: string | null): Promise<OpenResult> {
    const record = this.#records.get(number);
    if (record === undefined) return Promise.resolve('unknown');
    this.#settle(number, 'unknown');
    this.#stale.delete(number);
    const until = this.#o.clock.now() + this.#o.openConfirmMs;
    this.#records.set(number, { ...record, expecting: { by, credential, until } });
    this.#save();
    return new Promise((resolve) => {
      this.#waiters.set(number, resolve);
      this.#confirmTimers.set(
        number,
        this.#o.clock.setTimeout(() => {
          this.#confirmTimers.delete(number);
          this.#confirmTimeout(number);
        }, this.#o.openConfirmMs),
      );
    });
  }

  /** The unlock could not be sent: nothing is expected any more. */
  cancelExpectation(number: number): void {
    const record = this.#records.get(number);
    if (record?.expecting == null) return;
    this.#records.set(number, { ...record, expecting: null });
    this.#save();
    this.#settle(number, 'unknown');
  }

  /** Cancels every timer and answers every waiter `unknown`; the durable state stays. */
  stop(): void {
    for (const number of [...this.#waiters.keys()]) this.#settle(number, 'unknown');
    for (const handle of this.#openTimers.values()) this.#o.clock.clearTimeout(handle);
    this.#openTimers.clear();
  }

  /** Applies one box's sensors; returns whether its record changed. */
  #applyBox(box: BoxPlace, locked: boolean, itemPresent: boolean): boolean {
    const { number } = box;
    const before = this.#records.get(number);
    const now = this.#o.clock.now();
    if (before === undefined) {
      // First sight (a new box, a first start): nothing to compare with, so no events; a door
      // already open is watched like any other.
      const opening = locked ? null : { by: 'none' as const, credential: null, since: now };
      this.#records.set(number, {
        locked,
        itemPresent,
        opening: opening && { ...opening, alarmed: false },
        expecting: null,
      });
      this.#watchOpen(number);
      return true;
    }
    let record = before;
    const subject = String(number);
    const items = () => {
      if (itemPresent === record.itemPresent) return;
      this.#o.emit(itemPresent ? 'item-placed' : 'item-removed', subject, { box: number });
      record = { ...record, itemPresent };
    };

    if (record.locked && !locked) {
      const expected = record.expecting;
      const by = expected?.by ?? 'none';
      this.#o.emit('door-opened', subject, { box: number, by });
      if (expected === null) this.#o.emit('door-forced', subject, { box: number });
      record = {
        ...record,
        locked: false,
        expecting: null,
        opening: { by, credential: expected?.credential ?? null, since: now, alarmed: false },
      };
      this.#records.set(number, record);
      this.#stale.delete(number);
      this.#settle(number, 'opened');
      items();
    } else if (!record.locked && locked) {
      items();
      this.#o.emit('door-closed', subject, { box: number, itemPresent });
      this.#closed(number, record.opening, itemPresent);
      record = { ...record, locked: true, opening: null };
    } else {
      items();
    }
    record = this.#lapse(number, record, before.itemPresent);
    this.#records.set(number, record);
    this.#watchOpen(number);
    return JSON.stringify(record) !== JSON.stringify(before);
  }

  /** The events of a door closing after an opening by `opening.by`. */
  #closed(number: number, opening: BoxRecord['opening'], itemPresent: boolean): void {
    const timer = this.#openTimers.get(number);
    if (timer !== undefined) this.#o.clock.clearTimeout(timer);
    this.#openTimers.delete(number);
    const credential = opening?.credential;
    if (credential == null) return;
    const subject = String(number);
    if (opening?.by === 'pickup') {
      if (itemPresent) this.#o.emit('item-left-after-pickup', subject, { box: number, credential });
      else this.#o.emit('parcel-picked-up', subject, { box: number, credential });
    } else if (opening?.by === 'dropoff' && itemPresent) {
      this.#o.emit('parcel-deposited', subject, { box: number, credential });
    }
  }

  /**
   * Ends a stale expectation (from before a restart, or an outage) whose door is still locked:
   * the unlock may never have been sent. Its credential is released when the box looks
   * untouched (same item state); otherwise the box may have been used unseen, and it stays used.
   */
  #lapse(number: number, record: BoxRecord, itemBefore: boolean): BoxRecord {
    if (!this.#stale.has(number) || record.expecting === null || !record.locked) return record;
    this.#stale.delete(number);
    const { credential, by } = record.expecting;
    const untouched = record.itemPresent === itemBefore;
    this.#o.log.warn(
      { box: number, by, released: credential !== null && untouched },
      'an unlock from before a restart or an outage was not followed by an opening',
    );
    if (credential !== null && untouched) this.#o.release(credential);
    return { ...record, expecting: null };
  }

  #confirmTimeout(number: number): void {
    const record = this.#records.get(number);
    if (record?.expecting == null) return;
    if (!this.#known.has(number)) {
      // Blind: whether it opened is decided when the board answers again.
      this.#stale.add(number);
      this.#settle(number, 'unknown');
      return;
    }
    const { credential } = record.expecting;
    this.#records.set(number, { ...record, expecting: null });
    this.#save();
    this.#o.emit('lock-stuck', String(number), { box: number });
    if (credential !== null) this.#o.release(credential);
    this.#settle(number, 'stuck');
  }

  /** Raises `door-left-open` once per opening, when the door has been open too long. */
  #watchOpen(number: number): void {
    const record = this.#records.get(number);
    const opening = record?.opening;
    if (record === undefined || opening == null || opening.alarmed) return;
    if (this.#openTimers.has(number)) return;
    const left = opening.since + this.#o.doorOpenAlarmMs - this.#o.clock.now();
    if (left <= 0) {
      this.#doorLeftOpen(number);
      return;
    }
    this.#openTimers.set(
      number,
      this.#o.clock.setTimeout(() => {
        this.#openTimers.delete(number);
        this.#doorLeftOpen(number);
      }, left),
    );
  }

  #doorLeftOpen(number: number): void {
    const record = this.#records.get(number);
    const opening = record?.opening;
    // Unknown (board unreachable): the next good status decides.
    if (record === undefined || opening == null || opening.alarmed || !this.#known.has(number)) {
      return;
    }
    const openSeconds = Math.floor((this.#o.clock.now() - opening.since) / 1000);
    this.#o.emit('door-left-open', String(number), { box: number, openSeconds });
    this.#records.set(number, { ...record, opening: { ...opening, alarmed: true } });
    this.#save();
  }

  #settle(number: number, result: OpenResult): void {
    const timer = this.#confirmTimers.get(number);
    if (timer !== undefined) this.#o.clock.clearTimeout(timer);
    this.#confirmTimers.delete(number);
    const resolve = this.#waiters.get(number);
    this.#waiters.delete(number);
    resolve?.(result);
  }

  #save(): void {
    const out: Record<string, BoxRecord> = {};
    for (const [number, record] of this.#records) out[String(number)] = record;
    this.#o.state.set(BOXES_KEY, out);
  }
}
