/*
 * The SQL that maintains one rollup table. Every statement names its parameters: @s (series id),
 * @f (field id), @start and @end (the bucket's range) and the values involved. (`WHERE true`
 * before an ON CONFLICT clause is SQLite's documented way to keep INSERT … SELECT … ON CONFLICT
 * unambiguous.)
 */

const COLUMNS = '(series_id, field_id, bucket, count, sum, min, max, last, last_time)';
const KEY = 'series_id = @s AND field_id = @f';

/** `INSERT … (columns)`, to which BatchedInsert appends the VALUES rows. */
export function addHead(table: string): string {
  return `INSERT INTO ${table} ${COLUMNS}`;
}

/**
 * What follows the VALUES rows: new values are combined into an existing bucket. In an UPDATE
 * every expression reads the row as it was, so `last_time` in the CASE is the old one.
 */
export const ADD_TAIL = `ON CONFLICT (series_id, field_id, bucket) DO UPDATE SET
  count = count + excluded.count,
  sum = sum + excluded.sum,
  min = min(min, excluded.min),
  max = max(max, excluded.max),
  last = CASE WHEN excluded.last_time >= last_time THEN excluded.last ELSE last END,
  last_time = max(last_time, excluded.last_time)`;

const REPLACE_TAIL = `ON CONFLICT (series_id, field_id, bucket) DO UPDATE SET
  count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
  last = excluded.last, last_time = excluded.last_time`;

/** Rebuilds one 1-minute bucket from its raw rows; @path is the field's JSON path. */
export function rebuildFromRawSql(table: string): string {
  const values = `SELECT time, fields ->> @path AS v FROM raw
    WHERE series_id = @s AND time >= @start AND time < @end AND fields ->> @path IS NOT NULL`;
  return `INSERT INTO ${table} ${COLUMNS}
    SELECT @s, @f, @start, count(*), sum(v), min(v), max(v),
      (SELECT v FROM (${values}) ORDER BY time DESC LIMIT 1),
      max(time)
    FROM (${values})
    WHERE true
    ${REPLACE_TAIL}`;
}

/** Rebuilds one bucket from the rows of the next finer rollup, which combine exactly. */
export function rebuildFromFinerSql(table: string, finer: string): string {
  return `INSERT INTO ${table} ${COLUMNS}
    SELECT @s, @f, @start, sum(count), sum(sum), min(min), max(max),
      (SELECT last FROM ${finer} WHERE ${KEY} AND bucket >= @start AND bucket < @end
        ORDER BY bucket DESC LIMIT 1),
      max(last_time)
    FROM ${finer} WHERE ${KEY} AND bucket >= @start AND bucket < @end
    ${REPLACE_TAIL}`;
}

/**
 * Corrects a bucket for a value that changed from @old to @value at @time when the finer rows
 * are gone: sum and last stay exact, min and max can only widen (they may stay too wide).
 */
export function patchSql(table: string): string {
  return `UPDATE ${table} SET sum = sum + (@value - @old), min = min(min, @value),
      max = max(max, @value), last = CASE WHEN last_time = @time THEN @value ELSE last END
    WHERE ${KEY} AND bucket = @bucket`;
}
