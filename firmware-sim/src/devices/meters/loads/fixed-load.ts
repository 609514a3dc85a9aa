import type { Clock } from '@hameau/protocol';
import type { LoadModel } from './load-model.js';

/** One change of a scripted load: from `atMs` after the load's origin, it draws `watts`. */
export interface LoadStep {
  readonly atMs: number;
  readonly watts: number;
}

/** Settings of a `FixedLoad`. */
export interface FixedLoadOptions {
  /** Power until the first step, W (negative: production). */
  readonly watts: number;
  readonly powerFactor: number;
  /** Scheduled changes, relative to `origin`. */
  readonly steps: readonly LoadStep[];
}

/**
 * A constant or scripted load for tests: exact values, known jumps (so counters integrate
 * exactly), and `setWatts` to change it from a test at the present instant.
 */
export class FixedLoad implements LoadModel {
  readonly kind = 'fixed';
  readonly options: FixedLoadOptions;
  readonly #clock: Clock;
  readonly #origin: number;
  readonly #steps: readonly LoadStep[];
  readonly #listeners = new Set<() => void>();
  /** Set by `setWatts`: overrides the script from that instant on. */
  #override: { readonly from: number; readonly watts: number } | null = null;

  /** Steps count from the clock's present instant (the meter's creation). */
  constructor(options: FixedLoadOptions, clock: Clock) {
    this.options = options;
    this.#clock = clock;
    this.#origin = clock.now();
    this.#steps = [...options.steps].sort((a, b) => a.atMs - b.atMs);
  }

  powerAt(t: number): number {
    if (this.#override !== null && t >= this.#override.from) return this.#override.watts;
    let watts = this.options.watts;
    for (const step of this.#steps) {
      if (this.#origin + step.atMs > t) break;
      watts = step.watts;
    }
    return watts;
  }

  powerFactorAt(): number {
    return this.options.powerFactor;
  }

  changesBetween(from: number, to: number): readonly number[] {
    // Steps after a `setWatts` no longer apply.
    const end = Math.min(to, this.#override?.from ?? Infinity);
    return this.#steps.map((s) => this.#origin + s.atMs).filter((at) => at > from && at < end);
  }

  /** Draws `watts` from now on, whatever the script says. */
  setWatts(watts: number): void {
    for (const listener of this.#listeners) listener();
    this.#override = { from: this.#clock.now(), watts };
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
