import type { Point } from './point.js';

/**
 * The resolutions a series can be read at: the raw points, or UTC-aligned buckets of 1 min,
 * 15 min, 1 h and 1 day (a year-long chart then reads 365 rows per series, not 8,760).
 */
export type Resolution = 'raw' | '1m' | '15m' | '1h' | '1d';
/** Finest first; `chooseResolution` relies on this order. */
export const RESOLUTIONS: readonly Resolution[] = ['raw', '1m', '15m', '1h', '1d'];

/**
 * How the points of one bucket (or, at raw resolution, points of the same instant in several
 * series) become one value. As in InfluxQL, they apply to every point of the bucket across the
 * series of a group: `mean` is the mean of all readings, `sum` their sum.
 */
export type Aggregate = 'mean' | 'min' | 'max' | 'sum' | 'last' | 'count';
export const AGGREGATES: readonly Aggregate[] = ['mean', 'min', 'max', 'sum', 'last', 'count'];

/** What a dashboard asks for: one field of one measurement over [from, to). */
export interface SeriesQuery {
  measurement: string;
  field: string;
  /** Equality filters on tags; a series lacking the tag does not match. */
  tags?: Record<string, string>;
  /** Milliseconds since the epoch; bucketed resolutions cover whole buckets overlapping [from, to). */
  from: number;
  to: number;
  /** `auto` picks the finest resolution with at most ~2,000 buckets that retention still covers. */
  resolution: Resolution | 'auto';
  /** Defaults to `mean`. */
  aggregate?: Aggregate;
  /** Tag keys to keep series apart by; series that agree on them are aggregated together. */
  groupBy?: string[];
}

/** One `[time, value]` pair; for buckets, `time` is the bucket's start. */
export type SeriesPoint = [time: number, value: number];

export interface SeriesResult {
  /** The resolution actually used (what `auto` chose). */
  resolution: Resolution;
  /** One entry per group, ordered by tags; `tags` holds the `groupBy` keys ('' when absent). */
  series: { tags: Record<string, string>; points: SeriesPoint[] }[];
}

/** What `latest` looks at. */
export interface LatestOptions {
  /**
   * Milliseconds since the epoch: only points at or after it count, so a series whose newest
   * point is older is left out. InfluxDB then reads no further back; without it, influxd reads
   * every series back to its first point (0.4–2.3 s on a year of 50 meters at 1 min).
   */
  since?: number;
}

/** The newest value of one series. */
export interface LatestValue {
  tags: Record<string, string>;
  time: number;
  value: number;
}

/** Where time series are written and read: the embedded SQLite store or InfluxDB. */
export interface TimeSeriesStore {
  /**
   * Writes a batch durably (embedded: one transaction; InfluxDB: one HTTP request, split if
   * large). Idempotent for the same point (same measurement+tags+time): rewriting overwrites,
   * as InfluxDB does.
   */
  write(points: readonly Point[]): Promise<void>;
  /** Reads one field as series of points, bucketed and aggregated as asked. */
  query(q: SeriesQuery): Promise<SeriesResult>;
  /** The newest point per series (since `options.since`), for "now" figures on dashboards. */
  latest(
    measurement: string,
    field: string,
    tags?: Record<string, string>,
    options?: LatestOptions,
  ): Promise<LatestValue[]>;
  close(): Promise<void>;
}
