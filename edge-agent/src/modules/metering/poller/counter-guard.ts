import { isCounter, isQuantity } from '../models/quantities.js';

/** An energy counter that went backwards between two good readings. */
export interface CounterReset {
  readonly quantity: string;
  readonly previous: number;
  readonly current: number;
}

/**
 * Watches a meter's energy counters, which only ever grow. A decrease means the meter was
 * replaced or reset: it is returned so the reading can be flagged and an event raised, and the
 * new value becomes the baseline. The agent reports counters as they are, never differences,
 * so no negative consumption can come from here; the flag tells the cloud to start a new
 * baseline instead of subtracting.
 */
export class CounterGuard {
  readonly #last = new Map<string, number>();

  /** `initial`: the last values known, e.g. from before a restart. */
  constructor(initial: Readonly<Record<string, number>> = {}) {
    for (const [quantity, value] of Object.entries(initial)) this.#last.set(quantity, value);
  }

  /** Checks the counters among `values` (nulls are skipped) and takes them as the new baseline. */
  check(values: Readonly<Record<string, number | null | undefined>>): CounterReset[] {
    const resets: CounterReset[] = [];
    for (const [quantity, current] of Object.entries(values)) {
      if (current === null || current === undefined) continue;
      if (!isQuantity(quantity) || !isCounter(quantity)) continue;
      const previous = this.#last.get(quantity);
      if (previous !== undefined && current < previous)
        resets.push({ quantity, previous, current });
      this.#last.set(quantity, current);
    }
    return resets;
  }

  /** The baseline, to persist. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#last);
  }
}
