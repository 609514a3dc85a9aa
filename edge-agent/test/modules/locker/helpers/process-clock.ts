import type { Clock, ManualClock, TimerHandle } from '@hameau/protocol';

/**
 * One agent process's view of a shared manual clock: its timers run on the shared clock until
 * `kill`, the power cut, drops them all at once, as a dead process's timers die with it.
 */
export class ProcessClock implements Clock {
  readonly #clock: ManualClock;
  readonly #timers = new Set<TimerHandle>();
  #dead = false;

  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  now(): number {
    return this.#clock.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (!this.#dead) fn();
    }, ms);
    if (!this.#dead) this.#timers.add(handle);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle);
    this.#clock.clearTimeout(handle);
  }

  kill(): void {
    this.#dead = true;
    for (const handle of this.#timers) this.#clock.clearTimeout(handle);
    this.#timers.clear();
  }
}
