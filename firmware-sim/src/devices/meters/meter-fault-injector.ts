import type { Clock, TimerHandle } from '@hameau/protocol';
import type { LastingMeterFault, MeterFault, ScheduledMeterFault } from './meter-fault.js';

/** The fault a meter is in, with its end on the device clock (null: until cleared). */
export type ActiveMeterFault = LastingMeterFault & { readonly until: number | null };

/** What a `MeterFaultInjector` tells its meter. */
export interface MeterFaultEvents {
  /** The fault changed (null: the meter behaves again). */
  onChange(active: ActiveMeterFault | null): void;
  /** A `counter-reset` fault fired. */
  onCounterReset(): void;
}

/**
 * Timing of a meter's faults, with the same rules as the line devices' `FaultInjector`: a new
 * fault replaces the current one and its duration counts from then, a scheduled fault fires
 * `atMs` after `schedule`. It is separate because meter faults carry parameters (exception
 * code, delay, unit id) and `counter-reset` is an event rather than a state.
 */
export class MeterFaultInjector {
  readonly #clock: Clock;
  readonly #events: MeterFaultEvents;
  #active: ActiveMeterFault | null = null;
  #endTimer: TimerHandle | null = null;
  readonly #scheduled = new Set<TimerHandle>();

  constructor(clock: Clock, events: MeterFaultEvents) {
    this.#clock = clock;
    this.#events = events;
  }

  /** The current fault, or null when the meter behaves. */
  get active(): ActiveMeterFault | null {
    return this.#active;
  }

  /** Applies a fault now (already validated). */
  inject(fault: MeterFault): void {
    if (fault.mode === 'counter-reset') {
      this.#events.onCounterReset();
      return;
    }
    this.#cancelEnd();
    const duration = fault.durationMs;
    this.#active = {
      ...fault,
      until: duration === undefined ? null : this.#clock.now() + duration,
    };
    this.#events.onChange(this.#active);
    if (duration === undefined) return;
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
    this.#events.onChange(null);
  }

  /** Injects each fault `atMs` from now (a meter's `faults:` list). */
  schedule(plan: readonly ScheduledMeterFault[]): void {
    for (const { atMs, ...fault } of plan) {
      const handle = this.#clock.setTimeout(() => {
        this.#scheduled.delete(handle);
        this.inject(fault);
      }, atMs);
      this.#scheduled.add(handle);
    }
  }

  /** Cancels every timer and forgets the current fault without notifying (meter stopping). */
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
