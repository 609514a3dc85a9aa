/** Distribution of a set of samples, in the samples' unit. */
export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The nearest-rank percentile of samples sorted in ascending order: the smallest sample with at
 * least `p` % of the samples at or below it. It is always a measured value (no interpolation),
 * so a p99 of 5 ms means one in a hundred deliveries really took 5 ms or more. NaN when empty.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0-100, got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Sorts a copy of the samples and summarizes them; every field is NaN when there are none. */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    min: n === 0 ? Number.NaN : (sorted[0] ?? Number.NaN),
    mean: n === 0 ? Number.NaN : sum / n,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: n === 0 ? Number.NaN : (sorted[n - 1] ?? Number.NaN),
  };
}
