import { ROLLUP_TABLE } from './embedded-schema.js';
import { BUCKET_MS, type BucketResolution } from './resolution.js';
import type { Aggregate } from './time-series-store.js';

/*
 * The SQL the embedded store reads with, one statement per group of series. Each takes four
 * positional parameters: the field (its id for rollups, its JSON path for raw rows), from, to
 * and a row limit. Series ids are integers from the catalog, inlined.
 */

/** Combining rollup rows of one bucket; for `last`, SQLite takes `last` from the max row. */
const ROLLUP_AGGREGATE: Readonly<Record<Aggregate, string>> = {
  mean: 'sum(sum) / sum(count)',
  min: 'min(min)',
  max: 'max(max)',
  sum: 'sum(sum)',
  count: 'sum(count)',
  last: 'last, max(last_time)',
};

/**
 * Combining raw values `v` into one value per group key: per instant across series (where
 * `last` is any of them), or per bucket (where it is the newest).
 */
const rawAggregate = (aggregate: Aggregate, newest: string): string =>
  ({
    mean: 'avg(v)',
    min: 'min(v)',
    max: 'max(v)',
    sum: 'sum(v)',
    count: 'count(*)',
    last: `v, max(${newest})`,
  })[aggregate];

/** Raw values of one field (`?` is its JSON path) in the series and range. */
const rawValues = (ids: readonly number[]) =>
  `SELECT series_id, time, fields ->> ? AS v FROM raw
    WHERE series_id IN (${ids.join(',')}) AND time >= ? AND time < ?`;

/** One group of series at a bucketed resolution, from its rollup table. */
export function rollupSql(
  resolution: BucketResolution,
  aggregate: Aggregate,
  ids: readonly number[],
): string {
  return `SELECT bucket, ${ROLLUP_AGGREGATE[aggregate]} FROM ${ROLLUP_TABLE[resolution]}
    WHERE series_id IN (${ids.join(',')}) AND field_id = ? AND bucket >= ? AND bucket < ?
    GROUP BY bucket ORDER BY bucket LIMIT ?`;
}

/** One group of series at a bucketed resolution, from raw rows (for `seq`, which has no rollups). */
export function rawBucketSql(
  resolution: BucketResolution,
  aggregate: Aggregate,
  ids: readonly number[],
): string {
  const size = BUCKET_MS[resolution];
  // time minus time mod size, with a modulo that stays positive before 1970.
  return `SELECT time - ((time % ${size}) + ${size}) % ${size} AS b, ${rawAggregate(aggregate, 'time')}
    FROM (${rawValues(ids)}) WHERE v IS NOT NULL
    GROUP BY b ORDER BY b LIMIT ?`;
}

/** One group of series at raw resolution; instants shared by several series are combined. */
export function rawSql(aggregate: Aggregate, ids: readonly number[]): string {
  return `SELECT time, ${rawAggregate(aggregate, 'series_id')}
    FROM (${rawValues(ids)}) WHERE v IS NOT NULL
    GROUP BY time ORDER BY time LIMIT ?`;
}

/** The newest value of a field in one series' raw rows: @s the series, @path the field. */
export const NEWEST_RAW_SQL = `SELECT time, fields ->> @path FROM raw
  WHERE series_id = @s AND fields ->> @path IS NOT NULL ORDER BY time DESC LIMIT 1`;

/** The newest value of a field in one series' rows of a rollup table: (series id, field id). */
export const newestRollupSql = (resolution: BucketResolution) =>
  `SELECT last_time, last FROM ${ROLLUP_TABLE[resolution]} WHERE series_id = ? AND field_id = ?
    ORDER BY bucket DESC LIMIT 1`;
