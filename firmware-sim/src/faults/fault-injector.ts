import type { Clock, TimerHandle } from '@hameau/protocol';
import type { Fault, FaultMode, ScheduledFault } from './fault.js';

/** The fault a device is in, with its end time on the device clock (null: until cleared). */
export interface ActiveFault {
  readonly mode: FaultMode;
  readonly until: number | null;
}

/**
 * Tracks which fault a device is in and ends it on time. It knows nothing of transports: the
 * device asks `mode` on every request and reacts to `onChange` (a disconnect closes sockets).
 * Every device type that supports faults reuses it, so timing behaves the same everywhere.
 */
export class FaultInjector {
  readonly #clock: Clock;
  readonly #onChange: (active: ActiveFault | null) => void;
  #active: ActiveFault | null = null;
  #endTimer: TimerHandle | null = null;
  readonly #scheduled = new Set<TimerHandle>();

  constructor(clock: Clock, onChange: (active: ActiveFault | null) => void) {
    this.#clock = clock;
    this.#onChange = onChange;
  }

  /** The current fault, or null when the device behaves. */
  get active(): ActiveFault | null {
    return this.#active;
  }

  get mode(): FaultMode | null {
    return this.#active?.mode ?? null;
  }

  /** Starts a fault now, replacing any current one (and its end timer). */
  inject(fault: Fault): void {
    this.#cancelEnd();
    const duration = fault.durationMs;
    this.#active = {
      mode: fault.mode,
      until: duration === undefined ? null : this.#clock.now() + duration,
    };
    this.#onChange(this.#active);
    if (duration === undefined) return;
    // A zero duration still lets the fault take its immediate effect (a disconnect closes the
    // current connections) before the device behaves again.
    if (duration === 0) {
      this.clear();
      return;
    }
    this.#endTimer = this.#clock.setTimeout(() => {
      this.#endTimer = null;
      this.clear();
    }, duration);
  }

  /** Ends the current fault, if any. */
  clear(): void {
    this.#cancelEnd();
    if (this.#active === null) return;
    this.#active = null;
    this.#onChange(null);
  }

  /** Injects each fault `atMs` from now (a scenario's `faults:` list). */
  schedule(plan: readonly ScheduledFault[]): void {
    for (const { atMs, ...fault } of plan) {
      const handle = this.#clock.setTimeout(() => {
        this.#scheduled.delete(handle);
        this.inject(fault);
      }, atMs);
      this.#scheduled.add(handle);
    }
  }

  /** Cancels every timer and forgets the current fault without notifying (device stopping). */
  dispose(): void {
    this.#cancelEnd();
    for (const handle of this.#scheduled) this.#clock.clearTimeout(handle);
    this.#scheduled.clear();
    this.#active = null;
  }

  #cancelEnd(): void {
    if (this.#endTimer !== null) this.#clock.clearTimeout(this.#endTimer);
    this.#endTimer = null;
  }
}
