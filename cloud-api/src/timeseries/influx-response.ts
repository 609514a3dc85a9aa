import { z } from 'zod';
import { groupTags, tagsKey, type ParsedSeriesQuery } from './series-query.js';
import { TimeSeriesError } from './time-series-error.js';
import type {
  Aggregate,
  LatestValue,
  Resolution,
  SeriesPoint,
  SeriesResult,
} from './time-series-store.js';

/** The JSON InfluxDB's `/query` answers (1.x, and the v1-compatible endpoint of 2.x and 3.x). */
const InfluxResponse = z.object({
  results: z
    .array(
      z.object({
        series: z
          .array(
            z.object({
              name: z.string(),
              tags: z.record(z.string(), z.string()).optional(),
              columns: z.array(z.string()),
              values: z.array(z.array(z.unknown())),
            }),
          )
          .optional(),
        error: z.string().optional(),
      }),
    )
    .optional(),
  error: z.string().optional(),
});
type InfluxSeries = NonNullable<
  NonNullable<z.output<typeof InfluxResponse>['results']>[number]['series']
>[number];

/** The series of the first statement's result; throws `TSDB_REJECTED` on an error answer. */
export function influxSeries(body: unknown): InfluxSeries[] {
  const parsed = InfluxResponse.safeParse(body);
  if (!parsed.success) {
    throw new TimeSeriesError('TSDB_REJECTED', 'InfluxDB answered a query with unexpected JSON', {
      issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const first = parsed.data.results?.[0];
  const error = parsed.data.error ?? first?.error;
  if (error !== undefined) {
    throw new TimeSeriesError('TSDB_REJECTED', `InfluxDB refused the query: ${error}`, { error });
  }
  return first?.series ?? [];
}

/** [time, value] rows of one answer series, skipping rows whose value is null. */
function rows(series: InfluxSeries): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const row of series.values) {
    const [time, value] = row;
    if (typeof time === 'number' && typeof value === 'number') out.push([time, value]);
  }
  return out;
}

/**
 * Turns a query answer (asked with `epoch=ms`) into a SeriesResult. At raw resolution a group
 * may hold several series with points at the same instant; they are combined with the
 * aggregate, as the embedded store does.
 */
export function parseSeriesResponse(
  body: unknown,
  q: ParsedSeriesQuery,
  resolution: Resolution,
): SeriesResult {
  const series: SeriesResult['series'] = [];
  for (const s of influxSeries(body)) {
    const tags = groupTags(q.groupBy, s.tags ?? {});
    const points = resolution === 'raw' ? combineInstants(rows(s), q.aggregate) : rows(s);
    if (points.length > 0) series.push({ tags, points });
  }
  series.sort((a, b) => compare(tagsKey(a.tags), tagsKey(b.tags)));
  return { resolution, series };
}

/** Turns a `latest` answer (`GROUP BY *`) into one value per series with its own tags. */
export function parseLatestResponse(body: unknown): LatestValue[] {
  const out: LatestValue[] = [];
  for (const s of influxSeries(body)) {
    const row = rows(s)[0];
    if (row === undefined) continue;
    // `GROUP BY *` lists every tag key of the measurement, '' where this series has none.
    const tags = Object.fromEntries(Object.entries(s.tags ?? {}).filter(([, v]) => v !== ''));
    out.push({ tags, time: row[0], value: row[1] });
  }
  return out.sort((a, b) => compare(tagsKey(a.tags), tagsKey(b.tags)));
}

/** Merges points sharing a time (sorted by time) into one, with the aggregate. */
function combineInstants(points: SeriesPoint[], aggregate: Aggregate): SeriesPoint[] {
  points.sort((a, b) => a[0] - b[0]);
  const out: SeriesPoint[] = [];
  let i = 0;
  while (i < points.length) {
    const time = (points[i] as SeriesPoint)[0];
    const values: number[] = [];
    while (i < points.length && (points[i] as SeriesPoint)[0] === time) {
      values.push((points[i] as SeriesPoint)[1]);
      i++;
    }
    out.push([time, combine(values, aggregate)]);
  }
  return out;
}

function combine(values: number[], aggregate: Aggregate): number {
  switch (aggregate) {
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'count':
      return values.length;
    case 'last':
      return values[values.length - 1] as number;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
