import type { Clock, TimerHandle } from '@hameau/protocol';
import type {
  LampNodeFault,
  LastingLampNodeMode,
  ScheduledLampNodeFault,
} from './lamp-node-fault.js';

/** A lasting fault a node is in, with its end on the device clock (null: until cleared). */
export interface ActiveLampNodeFault {
  readonly mode: LastingLampNodeMode;
  readonly until: number | null;
}

/** What `LampNodeFaults` tells its node. */
export interface LampNodeFaultEvents {
  /**
   * A lasting fault began (`on`) or ended; `active` already says so. The node keeps its own copy
   * of the condition, so it can tell its power listeners before its output changes.
   */
  onCondition(mode: LastingLampNodeMode, on: boolean): void;
  /** A `reboot` fault fired. */
  onReboot(downMs: number): void;
}

/**
 * Timing of a lamp node's faults. Unlike a meter's single fault, a node's lasting faults are
 * independent physical conditions (a dead lamp behind a stuck relay), so each mode has its own
 * end timer; injecting a mode again restarts its duration. `reboot` is an event.
 */
export class LampNodeFaults {
  readonly #clock: Clock;
  readonly #events: LampNodeFaultEvents;
  readonly #active = new Map<
    LastingLampNodeMode,
    { readonly until: number | null; readonly timer: TimerHandle | null }
  >();
  readonly #scheduled = new Set<TimerHandle>();

  constructor(clock: Clock, events: LampNodeFaultEvents) {
    this.#clock = clock;
    this.#events = events;
  }

  /** The lasting faults in force, in the order they began. */
  get active(): readonly ActiveLampNodeFault[] {
    return [...this.#active].map(([mode, { until }]) => ({ mode, until }));
  }

  /** Whether `mode` is in force. */
  has(mode: LastingLampNodeMode): boolean {
    return this.#active.has(mode);
  }

  /** Applies a fault now (already validated). */
  inject(fault: LampNodeFault): void {
    if (fault.mode === 'reboot') {
      this.#events.onReboot(fault.downMs);
      return;
    }
    const { mode, durationMs } = fault;
    const wasOn = this.#active.has(mode);
    this.#cancel(mode);
    const timer =
      durationMs === undefined
        ? null
        : this.#clock.setTimeout(() => {
            this.clear(mode);
          }, durationMs);
    this.#active.set(mode, {
      until: durationMs === undefined ? null : this.#clock.now() + durationMs,
      timer,
    });
    if (!wasOn) this.#events.onCondition(mode, true);
  }

  /** Ends one lasting fault, or every one. */
  clear(mode?: LastingLampNodeMode): void {
    const modes = mode === undefined ? [...this.#active.keys()] : [mode];
    for (const m of modes) {
      if (!this.#active.has(m)) continue;
      this.#cancel(m);
      this.#active.delete(m);
      this.#events.onCondition(m, false);
    }
  }

  /** Injects each fault `atMs` from now (a node's `faults:` list). */
  schedule(plan: readonly ScheduledLampNodeFault[]): void {
    for (const { atMs, ...fault } of plan) {
      const handle = this.#clock.setTimeout(() => {
        this.#scheduled.delete(handle);
        this.inject(fault);
      }, atMs);
      this.#scheduled.add(handle);
    }
  }

  /** Cancels every timer and forgets the faults without notifying (node stopping). */
  dispose(): void {
    for (const mode of this.#active.keys()) this.#cancel(mode);
    this.#active.clear();
    for (const handle of this.#scheduled) this.#clock.clearTimeout(handle);
    this.#scheduled.clear();
  }

  #cancel(mode: LastingLampNodeMode): void {
    const timer = this.#active.get(mode)?.timer;
    if (timer !== undefined && timer !== null) this.#clock.clearTimeout(timer);
  }
}
