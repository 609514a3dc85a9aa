import type { Clock } from '@hameau/protocol';

/** `closed`: polled normally; `open`: left alone until its backoff ends; `half-open`: one probe. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** When a breaker opens and how long it stays open. */
export interface BreakerOptions {
  /** Consecutive failed polls that open the breaker. */
  readonly failures: number;
  /** The first backoff; it doubles after each failed probe… */
  readonly minMs: number;
  /** …up to this. */
  readonly maxMs: number;
}

/** A change of state worth telling: the meter became unreachable, or came back. */
export type BreakerTransition = 'opened' | 'recovered';

/**
 * One meter's circuit breaker. After `failures` consecutive failed polls it opens: the meter is
 * not polled until its backoff has passed, then one probe is let through (half-open). A probe
 * that succeeds closes it; one that fails opens it again with twice the backoff, up to `maxMs`.
 * So a dead meter costs its bus one timeout per backoff instead of one per poll interval.
 */
export class CircuitBreaker {
  readonly #options: BreakerOptions;
  readonly #clock: Clock;
  #state: BreakerState = 'closed';
  #consecutive = 0;
  #backoffMs = 0;
  #retryAt = 0;

  constructor(options: BreakerOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
  }

  /** Where the breaker is now (an open one turns half-open only when `allow` is asked). */
  get state(): BreakerState {
    return this.#state;
  }

  /** Failed polls since the last good one. */
  get consecutiveFailures(): number {
    return this.#consecutive;
  }

  /** When an open breaker lets its next probe through (ms since the epoch); null otherwise. */
  get retryAt(): number | null {
    return this.#state === 'open' ? this.#retryAt : null;
  }

  /**
   * Whether the meter may be polled now. An open breaker whose backoff has passed turns
   * half-open and lets this one poll through as its probe.
   */
  allow(): boolean {
    if (this.#state === 'open' && this.#clock.now() >= this.#retryAt) this.#state = 'half-open';
    return this.#state !== 'open';
  }

  /** Records a good poll; returns `recovered` if this closes an open breaker. */
  success(): BreakerTransition | null {
    const wasTripped = this.#state !== 'closed';
    this.#state = 'closed';
    this.#consecutive = 0;
    this.#backoffMs = 0;
    return wasTripped ? 'recovered' : null;
  }

  /** Records a failed poll; returns `opened` if this opens a closed breaker. */
  failure(): BreakerTransition | null {
    this.#consecutive++;
    if (this.#state === 'half-open') {
      this.#trip(Math.min(this.#backoffMs * 2, this.#options.maxMs));
      return null;
    }
    if (this.#state === 'closed' && this.#consecutive >= this.#options.failures) {
      this.#trip(this.#options.minMs);
      return 'opened';
    }
    return null;
  }

  #trip(backoffMs: number): void {
    this.#state = 'open';
    this.#backoffMs = backoffMs;
    this.#retryAt = this.#clock.now() + backoffMs;
  }
}
