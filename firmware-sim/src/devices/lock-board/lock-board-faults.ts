import type { Clock, TimerHandle } from '@hameau/protocol';
import type { BoardFault, ReplyFault, ScheduledBoardFault } from './lock-board-fault.js';

/** The reply fault a board is in: its end on the device clock, and replies left to spoil. */
export type ActiveReplyFault = ReplyFault & {
  readonly until: number | null;
  /** Status requests it still spoils (null: until its time runs out or it is cleared). */
  readonly repliesLeft: number | null;
};

/** What a board's faults do to one status request. */
export interface ReplyPlan {
  /** False: the request goes unanswered. */
  readonly answer: boolean;
  readonly corruptSum: boolean;
  /** Extra delay on top of the wire time, ms. */
  readonly delayMs: number;
}

/**
 * One board's faults over time, with the rules of the other simulators' injectors (a new reply
 * fault replaces the current one; a duration counts from the injection; a scheduled fault fires
 * `atMs` after `schedule`). Stuck locks are separate: each lock stays stuck until its own end.
 */
export class LockBoardFaults {
  readonly #clock: Clock;
  readonly #onChange: () => void;
  #reply: ActiveReplyFault | null = null;
  #replyEnd: TimerHandle | null = null;
  /** Stuck locks, each with its end timer (null: until cleared). */
  readonly #stuck = new Map<number, TimerHandle | null>();
  readonly #scheduled = new Set<TimerHandle>();

  constructor(clock: Clock, onChange: () => void = () => undefined) {
    this.#clock = clock;
    this.#onChange = onChange;
  }

  /** The current reply fault, or null. */
  get reply(): ActiveReplyFault | null {
    return this.#reply;
  }

  /** The locks whose doors do not open, ascending. */
  get stuckLocks(): readonly number[] {
    return [...this.#stuck.keys()].sort((a, b) => a - b);
  }

  /** True while the board hears nothing. */
  get silent(): boolean {
    return this.#reply?.mode === 'silent';
  }

  isStuck(lock: number): boolean {
    return this.#stuck.has(lock);
  }

  /** Applies a fault now (already validated). */
  inject(fault: BoardFault): void {
    if (fault.mode === 'stuck-lock') {
      this.#stick(fault.lock, fault.durationMs);
      return;
    }
    this.#cancelReplyEnd();
    const duration = fault.durationMs;
    const replies = fault.mode === 'delay' ? undefined : fault.replies;
    this.#reply = {
      ...fault,
      until: duration === undefined ? null : this.#clock.now() + duration,
      repliesLeft: replies ?? null,
    };
    this.#onChange();
    if (duration === undefined) return;
    if (duration === 0) {
      this.#endReply();
      return;
    }
    this.#replyEnd = this.#clock.setTimeout(() => {
      this.#replyEnd = null;
      this.#endReply();
    }, duration);
  }

  /** Ends every fault of the board (reply fault and stuck locks). */
  clear(): void {
    this.#cancelReplyEnd();
    for (const handle of this.#stuck.values())
      if (handle !== null) this.#clock.clearTimeout(handle);
    const changed = this.#reply !== null || this.#stuck.size > 0;
    this.#reply = null;
    this.#stuck.clear();
    if (changed) this.#onChange();
  }

  /** Injects each fault `atMs` from now (a board's `faults:` list). */
  schedule(plan: readonly ScheduledBoardFault[]): void {
    for (const { atMs, ...fault } of plan) {
      const handle = this.#clock.setTimeout(() => {
        this.#scheduled.delete(handle);
        this.inject(fault);
      }, atMs);
      this.#scheduled.add(handle);
    }
  }

  /**
   * What the current fault does to one status request the board heard; a fault counted in
   * `replies` uses one up.
   */
  takeReply(): ReplyPlan {
    const fault = this.#reply;
    if (fault === null) return { answer: true, corruptSum: false, delayMs: 0 };
    if (fault.repliesLeft !== null) {
      const left = fault.repliesLeft - 1;
      if (left <= 0) this.#endReply();
      else this.#reply = { ...fault, repliesLeft: left };
    }
    switch (fault.mode) {
      case 'silent':
        return { answer: false, corruptSum: false, delayMs: 0 };
      case 'bad-checksum':
        return { answer: true, corruptSum: true, delayMs: 0 };
      case 'delay':
        return { answer: true, corruptSum: false, delayMs: fault.delayMs };
    }
  }

  /** Cancels every timer and forgets every fault without notifying (the bank is stopping). */
  dispose(): void {
    this.#cancelReplyEnd();
    for (const handle of this.#stuck.values())
      if (handle !== null) this.#clock.clearTimeout(handle);
    this.#stuck.clear();
    for (const handle of this.#scheduled) this.#clock.clearTimeout(handle);
    this.#scheduled.clear();
    this.#reply = null;
  }

  #stick(lock: number, durationMs: number | undefined): void {
    const previous = this.#stuck.get(lock);
    if (previous !== undefined && previous !== null) this.#clock.clearTimeout(previous);
    if (durationMs === 0) {
      this.#stuck.delete(lock);
      this.#onChange();
      return;
    }
    const handle =
      durationMs === undefined
        ? null
        : this.#clock.setTimeout(() => {
            this.#stuck.delete(lock);
            this.#onChange();
          }, durationMs);
    this.#stuck.set(lock, handle);
    this.#onChange();
  }

  #endReply(): void {
    this.#cancelReplyEnd();
    if (this.#reply === null) return;
    this.#reply = null;
    this.#onChange();
  }

  #cancelReplyEnd(): void {
    if (this.#replyEnd !== null) this.#clock.clearTimeout(this.#replyEnd);
    this.#replyEnd = null;
  }
}
