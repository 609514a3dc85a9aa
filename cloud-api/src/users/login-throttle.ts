import type { Clock } from '@hameau/protocol';

/** How one kind of key (a username, a client address) is throttled. */
export interface ThrottleLimits {
  /** Consecutive failures allowed before the first lockout. */
  readonly freeFailures: number;
  /** The first lockout; each failure after a lockout doubles it. */
  readonly firstLockMs: number;
  readonly maxLockMs: number;
  /** A key with no failure for this long (and not locked) starts again from zero. */
  readonly forgetAfterMs: number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  lockMs: number;
  lockedUntil: number;
}

/**
 * Failed sign-ins per key, with lockouts that double: after `freeFailures` failures the key is
 * locked for `firstLockMs`, and every failure after a lockout ends locks it twice as long, up to
 * `maxLockMs`. While locked, nothing is checked (no password hash is computed), so a guesser
 * gets a handful of tries per lockout however fast it sends. A success forgets the key.
 *
 * In memory, per API instance: a restart or a second instance gives a guesser a few more tries,
 * which the generated passwords (about 99 bits) do not need anyway; the throttle is there for
 * passwords that leak partly (a sheet of paper) and to keep scrypt from being a free CPU sink.
 * At most `maxKeys` keys are kept (the oldest failure is forgotten first).
 */
export class LoginThrottle {
  readonly #clock: Clock;
  readonly #limits: ThrottleLimits;
  readonly #maxKeys: number;
  readonly #entries = new Map<string, Entry>();

  constructor(deps: { clock: Clock; limits: ThrottleLimits; maxKeys?: number }) {
    this.#clock = deps.clock;
    this.#limits = deps.limits;
    this.#maxKeys = deps.maxKeys ?? 10_000;
  }

  /** How long `key` must still wait, in ms; 0 when it may try now. */
  waitMs(key: string): number {
    const entry = this.#live(key);
    return entry === undefined ? 0 : Math.max(0, entry.lockedUntil - this.#clock.now());
  }

  /** Counts a failure of `key`; returns the lockout it starts, in ms (0: none). */
  fail(key: string): number {
    const now = this.#clock.now();
    const entry = this.#live(key) ?? { failures: 0, lastFailureAt: now, lockMs: 0, lockedUntil: 0 };
    entry.failures++;
    entry.lastFailureAt = now;
    if (entry.failures >= this.#limits.freeFailures) {
      entry.lockMs =
        entry.lockMs === 0
          ? this.#limits.firstLockMs
          : Math.min(entry.lockMs * 2, this.#limits.maxLockMs);
      entry.lockedUntil = now + entry.lockMs;
    }
    // Re-inserted at the end: the map's order is the order of last failures.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return entry.lockedUntil > now ? entry.lockMs : 0;
  }

  /** Forgets `key`'s failures (a successful sign-in). */
  succeed(key: string): void {
    this.#entries.delete(key);
  }

  /** The key's entry, unless it is old enough to be forgotten. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const now = this.#clock.now();
    if (now >= entry.lockedUntil && now - entry.lastFailureAt >= this.#limits.forgetAfterMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
