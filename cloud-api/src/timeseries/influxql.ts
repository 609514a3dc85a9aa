import { BUCKET_MS, coveredRange } from './resolution.js';
import type { ParsedLatestArgs, ParsedSeriesQuery } from './series-query.js';
import type { Resolution } from './time-series-store.js';

/** An identifier in double quotes; InfluxQL unescapes `\\` and `\"` inside them. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A string literal in single quotes; InfluxQL unescapes `\\` and `\'` inside them. */
export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function tagConditions(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => ` AND ${quoteIdent(k)} = ${quoteString(tags[k] as string)}`)
    .join('');
}

/**
 * The InfluxQL for a series query at a chosen resolution. Bucketed: the aggregate per
 * `GROUP BY time()` bucket (whole buckets, as the embedded store covers them), empty buckets
 * left out with `fill(none)`. Raw: the plain values grouped by the `groupBy` tags; points of
 * several series at the same instant are combined afterwards (see `parseSeriesResponse`).
 */
export function seriesQueryToInfluxQL(q: ParsedSeriesQuery, resolution: Resolution): string {
  const { from, to } = coveredRange(q.from, q.to, resolution);
  const where = `WHERE time >= ${from}ms AND time < ${to}ms${tagConditions(q.tags)}`;
  const groupTags = q.groupBy.map(quoteIdent);
  const field = quoteIdent(q.field);
  const measurement = quoteIdent(q.measurement);
  if (resolution === 'raw') {
    const groupBy = groupTags.length > 0 ? ` GROUP BY ${groupTags.join(', ')}` : '';
    return `SELECT ${field} FROM ${measurement} ${where}${groupBy}`;
  }
  const groupBy = [`time(${BUCKET_MS[resolution]}ms)`, ...groupTags].join(', ');
  return `SELECT ${q.aggregate}(${field}) FROM ${measurement} ${where} GROUP BY ${groupBy} fill(none)`;
}

/**
 * The InfluxQL for `latest`: the last value of every series, with all its tags; with `since`,
 * of the points at or after it, so that influxd reads only the shards and blocks from then on.
 */
export function latestToInfluxQL(args: ParsedLatestArgs): string {
  const time = args.since === null ? '' : ` AND time >= ${args.since}ms`;
  const conditions = `${time}${tagConditions(args.tags)}`;
  const where = conditions === '' ? '' : ` WHERE ${conditions.slice(' AND '.length)}`;
  const field = quoteIdent(args.field);
  return `SELECT last(${field}) FROM ${quoteIdent(args.measurement)}${where} GROUP BY *`;
}
