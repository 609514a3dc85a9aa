import type { Clock } from '@hameau/protocol';

/**
 * A token bucket for replayed (historical) records, so a backlog drains at a bounded rate and
 * live readings are never stuck behind hours of history.
 */
export class ReplayThrottle {
  #tokens: number;
  #at: number;

  constructor(
    readonly perSecond: number,
    readonly clock: Clock,
  ) {
    this.#tokens = perSecond;
    this.#at = clock.now();
  }

  /** Takes one token; false when the replay rate is used up for now. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available. */
  waitMs(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
  }

  #refill(): void {
    const now = this.clock.now();
    this.#tokens = Math.min(
      this.perSecond,
      this.#tokens + ((now - this.#at) / 1000) * this.perSecond,
    );
    this.#at = now;
  }
}
