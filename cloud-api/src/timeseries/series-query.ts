import { z } from 'zod';
import { isLineSafe } from './point.js';
import { TimeSeriesError } from './time-series-error.js';
import {
  AGGREGATES,
  RESOLUTIONS,
  type Aggregate,
  type LatestOptions,
  type Resolution,
  type SeriesQuery,
} from './time-series-store.js';

const Name = z
  .string()
  .refine(isLineSafe, 'must be non-empty, without newlines or backslash escapes');
const Millis = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

const SeriesQuerySchema = z
  .object({
    measurement: Name,
    field: Name,
    tags: z.record(Name, Name).default({}),
    from: Millis,
    to: Millis,
    resolution: z.enum([...RESOLUTIONS, 'auto']),
    aggregate: z.enum(AGGREGATES).default('mean'),
    groupBy: z
      .array(Name)
      .default([])
      .refine((keys) => new Set(keys).size === keys.length, 'must not repeat a tag key'),
  })
  .strict()
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['to'] });

/** A validated query with its defaults filled in. */
export interface ParsedSeriesQuery {
  readonly measurement: string;
  readonly field: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly from: number;
  readonly to: number;
  readonly resolution: Resolution | 'auto';
  readonly aggregate: Aggregate;
  readonly groupBy: readonly string[];
}

/** Validates a query, throwing `TSDB_QUERY_INVALID` with every problem at once. */
export function parseSeriesQuery(q: SeriesQuery): ParsedSeriesQuery {
  const result = SeriesQuerySchema.safeParse(q);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${i.path.join('.') || '(query)'}: ${i.message}`,
    );
    throw new TimeSeriesError(
      'TSDB_QUERY_INVALID',
      `invalid series query: ${problems.join('; ')}`,
      {
        problems,
      },
    );
  }
  return result.data;
}

/** The validated arguments of `latest`; `since` null when not bounded. */
export interface ParsedLatestArgs {
  readonly measurement: string;
  readonly field: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly since: number | null;
}

/** Validates the arguments of `latest` the same way (`since` as a query's `from`). */
export function parseLatestArgs(
  measurement: string,
  field: string,
  tags: Record<string, string> = {},
  options: LatestOptions = {},
): ParsedLatestArgs {
  const since = options.since ?? null;
  // A one-millisecond range from `since` (or 0) checks it as a query checks its `from`.
  const from = since ?? 0;
  const q = parseSeriesQuery({ measurement, field, tags, from, to: from + 1, resolution: 'raw' });
  return { measurement: q.measurement, field: q.field, tags: q.tags, since };
}

/** The tags of a group: each `groupBy` key with the series' value, '' when it has none. */
export function groupTags(
  groupBy: readonly string[],
  tags: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of groupBy) out[key] = tags[key] ?? '';
  return out;
}

/** A stable key for a tag set, used to order and merge groups the same way in every store. */
export function tagsKey(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(tags)
      .sort()
      .map((k) => [k, tags[k]]),
  );
}
