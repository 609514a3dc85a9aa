// Whether the wall clock can be believed. A controller that dims by the hour is only as right as
// its clock: a box that boots without network may start in 1970 or on a flat RTC battery's date,
// and an NTP step or a bad hand edit can move time by hours. The caller passes the wall clock
// (Date.now()) and a monotonic one (performance.now(), process.hrtime) that never jumps: when
// the two disagree on how much time passed, the wall clock moved by itself.

const SECOND_MS = 1000;

/** The trust verdict a decision takes (`LightingInputs.clock`). */
export type ClockAssessment =
  | { readonly trusted: true }
  | {
      readonly trusted: false;
      /** Why, for the trace: `not synchronised since boot`, `wall time jumped +3 h 02 min`. */
      readonly reason: string;
      /**
       * The wall time extrapolated from the last trusted reading by the monotonic clock, or
       * null when time was never trusted since boot.
       */
      readonly estimatedNow: number | null;
    };

const TRUSTED: ClockAssessment = { trusted: true };

/** Signed `+3 h 02 min`, `-45 s`. */
export function formatShift(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const s = Math.round(Math.abs(ms) / SECOND_MS);
  if (s < 60) return `${sign}${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${sign}${minutes} min`;
  return `${sign}${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * Tracks whether wall time can be believed: untrusted from boot until the caller says the clock
 * is synchronised, and again from any jump of the wall clock against the monotonic clock beyond
 * the threshold until the next synchronisation.
 */
export class ClockTrust {
  readonly #thresholdMs: number;
  #trusted = false;
  #reason = 'not synchronised since boot';
  /** The previous reading, to measure the next step against. */
  #last: { wall: number; mono: number } | null = null;
  /** The last reading taken while trusted: the base of the estimate while untrusted. */
  #good: { wall: number; mono: number } | null = null;

  constructor(options: { jumpThresholdMs?: number } = {}) {
    this.#thresholdMs = options.jumpThresholdMs ?? 120 * SECOND_MS;
  }

  /** Whether wall time is believed now. */
  get trusted(): boolean {
    return this.#trusted;
  }

  /**
   * The clock was just synchronised (NTP reports a sync, or the RTC was set from one): trust
   * the wall time from this reading on. Call it when a synchronisation happens, not on every
   * tick: a jump after it is only forgiven by the next one.
   */
  markSynced(wallMs: number, monoMs: number): void {
    this.#trusted = true;
    this.#reason = '';
    this.#last = { wall: wallMs, mono: monoMs };
    this.#good = { wall: wallMs, mono: monoMs };
  }

  /** The caller knows the clock is not right any more (NTP lost for too long…). */
  markUnsynced(reason: string, wallMs: number, monoMs: number): void {
    if (this.#trusted) this.#good = { wall: wallMs, mono: monoMs };
    this.#trusted = false;
    this.#reason = reason;
  }

  /**
   * Takes a reading of both clocks (every tick) and returns the verdict for it. A wall step
   * that differs from the monotonic step by more than the threshold makes time untrusted.
   */
  observe(wallMs: number, monoMs: number): ClockAssessment {
    const last = this.#last;
    this.#last = { wall: wallMs, mono: monoMs };
    if (this.#trusted && last !== null) {
      const monoStep = monoMs - last.mono;
      const shift = wallMs - last.wall - monoStep;
      if (monoStep < 0) {
        this.#untrust('the monotonic clock went backwards');
      } else if (Math.abs(shift) > this.#thresholdMs) {
        this.#untrust(`wall time jumped ${formatShift(shift)} against the monotonic clock`);
      }
    }
    if (this.#trusted) {
      this.#good = { wall: wallMs, mono: monoMs };
      return TRUSTED;
    }
    return { trusted: false, reason: this.#reason, estimatedNow: this.estimate(monoMs) };
  }

  /** The wall time the last trusted reading and the monotonic clock give, or null. */
  estimate(monoMs: number): number | null {
    const good = this.#good;
    return good === null ? null : good.wall + (monoMs - good.mono);
  }

  #untrust(reason: string): void {
    this.#trusted = false;
    this.#reason = reason;
  }
}
