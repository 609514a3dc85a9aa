import { ConfigError, type Clock, type TimerHandle } from '@hameau/protocol';
import type { Logger } from 'pino';
import { BoardFault, type BoardFaultInput, type ScheduledBoardFault } from './lock-board-fault.js';
import { LockBoardFaults } from './lock-board-faults.js';
import { LOCKS_PER_BOARD, encodeStatusReply } from './lock-board-frame.js';

/** One unlock frame a board obeyed: which lock was energised, when, and what the pulse did. */
export interface UnlockRecord {
  readonly board: number;
  readonly lock: number;
  /** The device clock when the frame was heard. */
  readonly at: number;
  /** `opens`: the door springs open; `stuck`: a stuck-lock fault holds it; `already-open`. */
  readonly effect: 'opens' | 'stuck' | 'already-open';
}

/** The sensors of one board, by lock (0-15). */
export interface BoardSnapshot {
  readonly board: number;
  /** Hook engaged: the door is shut and locked. */
  readonly locked: readonly boolean[];
  /** The infrared sensor sees an item. */
  readonly itemPresent: readonly boolean[];
}

/** What one board is built with. */
export interface SimLockBoardOptions {
  /** 0-15, the high nibble of its frames' address byte. */
  readonly address: number;
  /** Locks holding an item at start. */
  readonly items: readonly number[];
  /** Faults injected `atMs` after `start`. */
  readonly faults: readonly ScheduledBoardFault[];
}

/** What a board shares with its bank. */
export interface SimLockBoardContext {
  readonly clock: Clock;
  readonly log: Logger;
  /** Time from an unlock pulse to the door springing open (hook bit 1 → 0), ms. */
  readonly springMs: number;
  /** Called for every unlock frame obeyed. */
  readonly onUnlock: (record: UnlockRecord) => void;
}

/**
 * One simulated lock control board with 16 locks: door physics (an unlock pulse releases the
 * hook, the spring opens the door `springMs` later, the door stays open until `closeDoor`) and
 * infrared item sensors, plus its faults. Every door starts shut and locked.
 */
export class SimLockBoard {
  readonly address: number;
  readonly faults: LockBoardFaults;
  readonly #context: SimLockBoardContext;
  readonly #plan: readonly ScheduledBoardFault[];
  readonly #locked: boolean[] = new Array<boolean>(LOCKS_PER_BOARD).fill(true);
  readonly #items: boolean[] = new Array<boolean>(LOCKS_PER_BOARD).fill(false);
  /** Doors released and about to spring open. */
  readonly #springs = new Map<number, TimerHandle>();

  constructor(options: SimLockBoardOptions, context: SimLockBoardContext) {
    this.address = options.address;
    this.#context = context;
    this.#plan = options.faults;
    for (const lock of options.items) this.#items[checkLock(lock)] = true;
    this.faults = new LockBoardFaults(context.clock, () => {
      context.log.info(
        { board: this.address, fault: this.faults.reply, stuck: this.faults.stuckLocks },
        'lock board faults changed',
      );
    });
  }

  /** Whether lock `lock`'s door is shut with its hook engaged. */
  isLocked(lock: number): boolean {
    return this.#locked[checkLock(lock)] === true;
  }

  /** Whether the infrared sensor of lock `lock` sees an item. */
  hasItem(lock: number): boolean {
    return this.#items[checkLock(lock)] === true;
  }

  /** The board's sensors now. */
  snapshot(): BoardSnapshot {
    return { board: this.address, locked: [...this.#locked], itemPresent: [...this.#items] };
  }

  /**
   * An unlock frame for `lock`. A silent board hears nothing (null); otherwise the pulse is
   * recorded and, unless the lock is stuck or its door already open, the door springs open.
   */
  pulse(lock: number): UnlockRecord | null {
    checkLock(lock);
    if (this.faults.silent) return null;
    const effect = this.faults.isStuck(lock)
      ? 'stuck'
      : this.#locked[lock] === true
        ? 'opens'
        : 'already-open';
    if (effect === 'opens' && !this.#springs.has(lock)) {
      const handle = this.#context.clock.setTimeout(() => {
        this.#springs.delete(lock);
        this.#locked[lock] = false;
      }, this.#context.springMs);
      this.#springs.set(lock, handle);
    }
    const record: UnlockRecord = {
      board: this.address,
      lock,
      at: this.#context.clock.now(),
      effect,
    };
    this.#context.onUnlock(record);
    return record;
  }

  /**
   * A status request: the reply to send and its extra delay from faults, or null when the board
   * stays quiet.
   */
  answerStatus(): { readonly reply: Buffer; readonly delayMs: number } | null {
    const plan = this.faults.takeReply();
    if (!plan.answer) return null;
    const reply = encodeStatusReply(this.address, this.#locked, this.#items, {
      corruptSum: plan.corruptSum,
    });
    return { reply, delayMs: plan.delayMs };
  }

  /** Someone pushes the door shut: the hook latches (hook bit → 1). */
  closeDoor(lock: number): void {
    this.#locked[checkLock(lock)] = true;
  }

  /** The door opens without an unlock (a forced door, for alarm tests): hook bit → 0 now. */
  forceOpen(lock: number): void {
    this.#locked[checkLock(lock)] = false;
  }

  /** An item is put in the box (IR bit → 1). */
  placeItem(lock: number): void {
    this.#items[checkLock(lock)] = true;
  }

  /** The item is taken out (IR bit → 0). */
  removeItem(lock: number): void {
    this.#items[checkLock(lock)] = false;
  }

  /** Injects a fault now (validated; a bad fault is a ConfigError). */
  inject(fault: BoardFaultInput): void {
    const parsed = BoardFault.safeParse(fault);
    if (!parsed.success) {
      throw new ConfigError(
        `board ${this.address} fault`,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`),
      );
    }
    this.faults.inject(parsed.data);
  }

  /** Ends every fault of the board. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Schedules the board's `faults:` list. */
  start(): void {
    this.faults.schedule(this.#plan);
  }

  /** Cancels every timer (pending springs, fault ends). */
  stop(): void {
    for (const handle of this.#springs.values()) this.#context.clock.clearTimeout(handle);
    this.#springs.clear();
    this.faults.dispose();
  }
}

function checkLock(lock: number): number {
  if (!Number.isInteger(lock) || lock < 0 || lock >= LOCKS_PER_BOARD) {
    throw new RangeError(`lock ${lock} is not 0-15`);
  }
  return lock;
}
