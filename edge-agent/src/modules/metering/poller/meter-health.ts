import { FAILURE_KINDS, type FailureKind } from '../transport/read-failure.js';
import type { BreakerState } from './circuit-breaker.js';
import type { MeterReading } from './read-meter.js';

/** `breaker_state` as a number, for telemetry: 0 closed, 1 half-open, 2 open. */
const BREAKER_CODES: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/** What the health report needs to know besides the counts. */
export interface HealthContext {
  readonly now: number;
  readonly breaker: BreakerState;
  readonly consecutiveErrors: number;
  readonly busConnected: boolean;
}

/**
 * Counts one meter's polls and failures since the agent started, for its `meter-health`
 * telemetry: when it last gave a good reading, failures by kind, the breaker's state.
 */
export class MeterHealth {
  #lastGoodAt: number | null = null;
  #ok = 0;
  #failed = 0;
  #skipped = 0;
  readonly #errors = new Map<FailureKind, number>(FAILURE_KINDS.map((k) => [k, 0]));

  /** Counts a poll taken at `now`. */
  record(reading: MeterReading, now: number): void {
    if (reading.gotData) {
      this.#ok++;
      this.#lastGoodAt = now;
    } else {
      this.#failed++;
    }
    for (const failure of reading.failures) {
      this.#errors.set(failure.kind, (this.#errors.get(failure.kind) ?? 0) + 1);
    }
  }

  /** Counts a poll not taken because the breaker is open. */
  skipped(): void {
    this.#skipped++;
  }

  /** The telemetry values (and the reason of the one that can be missing). */
  report(ctx: HealthContext): {
    values: Record<string, number | null>;
    missing: Record<string, string>;
  } {
    const values: Record<string, number | null> = {
      last_good_age_s:
        this.#lastGoodAt === null ? null : Math.max(0, (ctx.now - this.#lastGoodAt) / 1000),
      consecutive_errors: ctx.consecutiveErrors,
      breaker_state: BREAKER_CODES[ctx.breaker],
      bus_connected: ctx.busConnected ? 1 : 0,
      polls_ok: this.#ok,
      polls_failed: this.#failed,
      polls_skipped: this.#skipped,
    };
    for (const [kind, count] of this.#errors) values[`errors_${kind.replace('-', '_')}`] = count;
    const missing: Record<string, string> =
      this.#lastGoodAt === null ? { last_good_age_s: 'never read' } : {};
    return { values, missing };
  }
}
