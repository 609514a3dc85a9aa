/**
 * What a chain of counter readings knows at one point: the last reading of the bucket
 * [end - size, end). A raw reading taken at `t` is the 1 ms bucket [t, t + 1), so every sample
 * covers the readings in a half-open range and two samples in a row cover [a.end, b.end).
 */
export interface CounterSample {
  readonly end: number;
  readonly size: number;
  /** The counter, kWh. */
  readonly value: number;
}

/** A sample in a repaired chain, with the energy counted since the sample before it. */
export interface ChainSample extends CounterSample {
  /** kWh between the previous sample of the chain and this one; never negative. */
  readonly kwh: number;
}

/** When the reading behind a sample was taken, as well as the sample tells: exact for raw. */
export function readingTime(s: CounterSample): number {
  return s.size === 1 ? s.end - 1 : s.end;
}

/** The start of the bucket a sample stands for. */
export function bucketStartOf(s: CounterSample): number {
  return s.end - s.size;
}

/** Where readings flagged `counter_reset` lie, as half-open ranges of time, for one meter. */
export class ResetFlags {
  static readonly NONE = new ResetFlags([]);
  readonly #ranges: readonly (readonly [number, number])[];

  constructor(ranges: readonly (readonly [from: number, to: number])[]) {
    this.#ranges = ranges;
  }

  /** Whether a flagged reading may lie in [from, to). */
  within(from: number, to: number): boolean {
    if (this.#ranges.length === 0) return false;
    return this.#ranges.some(([a, b]) => a < to && b > from);
  }
}

/**
 * Whether the counter may have restarted between two samples: it went down, or a reading
 * between them is flagged. Such a pair must not be subtracted; read it finer, or count 0.
 */
export function mayHaveReset(a: CounterSample, b: CounterSample, flags: ResetFlags): boolean {
  return b.value < a.value || flags.within(a.end, b.end);
}
