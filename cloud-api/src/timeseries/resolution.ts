import { RESOLUTIONS, type Resolution } from './time-series-store.js';

/** A bucketed resolution. */
export type BucketResolution = Exclude<Resolution, 'raw'>;

/** Bucket sizes; buckets are aligned on the Unix epoch (UTC), as InfluxQL's `GROUP BY time()`. */
export const BUCKET_MS: Readonly<Record<BucketResolution, number>> = {
  '1m': 60_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

/** `auto` picks the finest resolution giving at most this many buckets over the span. */
export const MAX_AUTO_BUCKETS = 2_000;

/**
 * The reading interval `auto` assumes for raw points when counting them (meters are polled
 * every few seconds): raw is chosen for spans up to ~33 minutes, 1 min buckets beyond.
 */
export const RAW_NOMINAL_INTERVAL_MS = 1_000;

/** The start of the bucket holding `time`. */
export function bucketStart(time: number, size: number): number {
  return Math.floor(time / size) * size;
}

/**
 * The range a query at `resolution` really covers: whole buckets overlapping [from, to), since
 * a stored rollup cannot be split. Raw ranges are kept as they are.
 */
export function coveredRange(
  from: number,
  to: number,
  resolution: Resolution,
): { from: number; to: number } {
  if (resolution === 'raw') return { from, to };
  const size = BUCKET_MS[resolution];
  return { from: bucketStart(from, size), to: bucketStart(to - 1, size) + size };
}

/**
 * The resolution `auto` means for [from, to): the finest whose bucket count is at most
 * MAX_AUTO_BUCKETS and whose data still reaches back to `from` (`oldestHeld` gives the oldest
 * time a resolution still holds, -Infinity when it keeps everything). When none fits, the
 * coarsest: a long span is better drawn with too many points than not at all.
 */
export function chooseResolution(
  from: number,
  to: number,
  oldestHeld: (resolution: Resolution) => number,
): Resolution {
  const span = Math.max(1, to - from);
  for (const resolution of RESOLUTIONS) {
    const size = resolution === 'raw' ? RAW_NOMINAL_INTERVAL_MS : BUCKET_MS[resolution];
    if (span / size <= MAX_AUTO_BUCKETS && from >= oldestHeld(resolution)) return resolution;
  }
  return '1d';
}
