import type { Database, Statement } from 'better-sqlite3';
import { SEQ_FIELD } from './point.js';
import { fieldPath } from './raw-fields.js';
import { NEWEST_RAW_SQL, newestRollupSql, rawBucketSql, rawSql, rollupSql } from './reader-sql.js';
import { coveredRange, type BucketResolution } from './resolution.js';
import type { SeriesCatalog, SeriesEntry } from './series-catalog.js';
import {
  groupTags,
  tagsKey,
  type ParsedLatestArgs,
  type ParsedSeriesQuery,
} from './series-query.js';
import { TimeSeriesError } from './time-series-error.js';
import {
  RESOLUTIONS,
  type LatestValue,
  type Resolution,
  type SeriesPoint,
  type SeriesResult,
} from './time-series-store.js';

type Params = (number | bigint | string)[];

/**
 * Reads the embedded store. Series are picked and grouped in memory from the catalog; then one
 * SQL statement per group scans each series' contiguous primary-key range and lets SQLite do
 * the per-bucket aggregation, so only result rows cross into JavaScript.
 */
export class EmbeddedReader {
  readonly #db: Database;
  readonly #catalog: SeriesCatalog;
  readonly #maxPoints: number;
  readonly #newestRaw: Statement<[Record<string, number | string>]>;
  readonly #newestRollup: readonly Statement<Params>[];

  constructor(db: Database, catalog: SeriesCatalog, maxPoints: number) {
    this.#db = db;
    this.#catalog = catalog;
    this.#maxPoints = maxPoints;
    this.#newestRaw = db.prepare<[Record<string, number | string>]>(NEWEST_RAW_SQL).raw();
    this.#newestRollup = RESOLUTIONS.filter((r): r is BucketResolution => r !== 'raw').map((r) =>
      db.prepare<Params>(newestRollupSql(r)).raw(),
    );
  }

  /** Runs a validated query at a resolution already chosen. */
  query(q: ParsedSeriesQuery, resolution: Resolution): SeriesResult {
    const fieldId = this.#catalog.existingFieldId(q.field);
    if (fieldId === undefined) return { resolution, series: [] };
    const groups = new Map<string, { tags: Record<string, string>; ids: number[] }>();
    for (const s of this.#catalog.find(q.measurement, q.tags)) {
      if (!this.#catalog.hasPair(s.id, fieldId)) continue;
      const tags = groupTags(q.groupBy, s.tags);
      const key = tagsKey(tags);
      const group = groups.get(key);
      if (group) group.ids.push(s.id);
      else groups.set(key, { tags, ids: [s.id] });
    }
    const { from, to } = coveredRange(q.from, q.to, resolution);
    let budget = this.#maxPoints;
    const series: SeriesResult['series'] = [];
    for (const key of [...groups.keys()].sort()) {
      const group = groups.get(key) as { tags: Record<string, string>; ids: number[] };
      const fromRaw = resolution === 'raw' || q.field === SEQ_FIELD;
      const sql =
        resolution === 'raw'
          ? rawSql(q.aggregate, group.ids)
          : fromRaw
            ? rawBucketSql(resolution, q.aggregate, group.ids)
            : rollupSql(resolution, q.aggregate, group.ids);
      const rows = this.#db
        .prepare<Params>(sql)
        .raw()
        .all(fromRaw ? fieldPath(fieldId) : fieldId, from, to, budget + 1) as number[][];
      if (rows.length > budget) {
        throw new TimeSeriesError(
          'TSDB_QUERY_INVALID',
          `the query would return more than ${this.#maxPoints} points: ask for a coarser resolution, a shorter span or fewer groups`,
          { maxPoints: this.#maxPoints, resolution },
        );
      }
      budget -= rows.length;
      if (rows.length === 0) continue;
      series.push({ tags: group.tags, points: rows.map(toPoint) });
    }
    return { resolution, series };
  }

  /**
   * The newest value of `field` in each series matching the tags, whatever table holds it; a
   * series whose newest value is before `since` is left out, as InfluxDB leaves it out.
   */
  latest({ measurement, field, tags: filter, since }: ParsedLatestArgs): LatestValue[] {
    const fieldId = this.#catalog.existingFieldId(field);
    if (fieldId === undefined) return [];
    const out: LatestValue[] = [];
    const series = this.#catalog
      .find(measurement, filter)
      .filter((s) => this.#catalog.hasPair(s.id, fieldId))
      .sort(bySeriesTags);
    for (const s of series) {
      // Every rollup level has a field's newest value (the finer ones may have dropped it);
      // `seq` has no rollups and is read from the raw rows, where every point carries it.
      let best: [number, number] | undefined;
      const rows =
        field === SEQ_FIELD
          ? [this.#newestRaw.get({ s: s.id, path: fieldPath(fieldId) })]
          : this.#newestRollup.map((statement) => statement.get(s.id, fieldId));
      for (const row of rows as ([number, number] | undefined)[]) {
        if (row && (best === undefined || row[0] > best[0])) best = row;
      }
      if (best && (since === null || best[0] >= since)) {
        out.push({ tags: { ...s.tags }, time: best[0], value: best[1] });
      }
    }
    return out;
  }
}

function toPoint(row: number[]): SeriesPoint {
  return [row[0] as number, row[1] as number];
}

function bySeriesTags(a: SeriesEntry, b: SeriesEntry): number {
  const ka = tagsKey(a.tags);
  const kb = tagsKey(b.tags);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
