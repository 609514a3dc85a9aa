/**
 * A token bucket per remote address: `burst` connections at once, refilled at `perSecond`.
 * It stops one host from exhausting the broker with CONNECT floods (and from grinding scrypt
 * with password guesses) while a whole site reconnecting after an outage still gets through.
 */
export class ConnectionRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `address`; false when the address is over its rate. */
  take(address: string): boolean {
    const t = this.now();
    const bucket = this.#buckets.get(address) ?? { tokens: this.burst, at: t };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((t - bucket.at) / 1000) * this.perSecond);
    bucket.at = t;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.#buckets.set(address, bucket);
    if (this.#buckets.size > 10_000) this.#evictFull(t);
    return allowed;
  }

  /** Forgets addresses whose bucket has refilled, so the map stays bounded. */
  #evictFull(t: number): void {
    for (const [address, b] of this.#buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.perSecond >= this.burst)
        this.#buckets.delete(address);
    }
  }
}
