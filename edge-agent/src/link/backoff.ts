/**
 * Reconnect delays: exponential backoff with full jitter (a uniformly random delay between 0
 * and min(max, min·2^attempt)). Jitter spreads a whole town's agents over the window after a
 * broker restart instead of having them all knock at the same instant.
 */
export class Backoff {
  #attempt = 0;

  constructor(
    readonly minMs: number,
    readonly maxMs: number,
    readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call widens the window until `maxMs`. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** this.#attempt);
    if (ceiling < this.maxMs) this.#attempt++;
    return Math.round(this.random() * ceiling);
  }

  /** After a successful connection, start again from the smallest window. */
  reset(): void {
    this.#attempt = 0;
  }
}
