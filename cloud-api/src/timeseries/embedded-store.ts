import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import { every, type Clock } from '@hameau/protocol';
import { EmbeddedReader } from './embedded-reader.js';
import { prepareDatabase, ROLLUP_TABLE } from './embedded-schema.js';
import { assertValidPoints, type Point } from './point.js';
import { chooseResolution } from './resolution.js';
import { DEFAULT_RETENTION, retentionCutoff, type Retention } from './retention.js';
import { RollupWriter, type WriteOutcome } from './rollup-writer.js';
import { SeriesCatalog } from './series-catalog.js';
import { parseLatestArgs, parseSeriesQuery } from './series-query.js';
import { TimeSeriesError } from './time-series-error.js';
import {
  RESOLUTIONS,
  type LatestOptions,
  type LatestValue,
  type Resolution,
  type SeriesQuery,
  type SeriesResult,
  type TimeSeriesStore,
} from './time-series-store.js';

/** Where the embedded store keeps its file when nothing else is configured. */
export const DEFAULT_SERIES_PATH = './data/series.sqlite';

export interface EmbeddedStoreOptions {
  /** The SQLite file (created with its folder); `:memory:` for a throw-away store. */
  readonly path?: string;
  readonly retention?: Retention;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** How often retention runs; 1 hour by default; `null`: only when `applyRetention` is called. */
  readonly retentionIntervalMs?: number | null;
  /** A query returning more points than this fails instead of exhausting memory. */
  readonly maxPoints?: number;
}

/** Rows deleted by one retention run, per resolution. */
export type RetentionOutcome = Record<Resolution, number>;

/** The meta key recording the raw cut already applied: raw rows before it may be gone. */
const RAW_KEPT_FROM = 'raw_kept_from';

/**
 * The default time-series store: one SQLite file (WAL) with raw values and 1 min, 15 min and
 * 1 h rollups maintained at write time, and retention applied on the injected clock.
 */
export class EmbeddedStore implements TimeSeriesStore {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #retention: Retention;
  readonly #catalog: SeriesCatalog;
  readonly #writer: RollupWriter;
  readonly #reader: EmbeddedReader;
  readonly #stopRetention: () => void;
  readonly #setMeta: Statement<[string, number]>;
  #rawKeptFrom: number;
  #closed = false;

  constructor(options: EmbeddedStoreOptions) {
    const path = options.path ?? DEFAULT_SERIES_PATH;
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    this.#db = new BetterSqlite3(path);
    try {
      prepareDatabase(this.#db, path);
    } catch (err) {
      this.#db.close();
      throw err;
    }
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#retention = options.retention ?? DEFAULT_RETENTION;
    this.#catalog = new SeriesCatalog(this.#db);
    this.#writer = new RollupWriter(this.#db, this.#catalog);
    this.#reader = new EmbeddedReader(this.#db, this.#catalog, options.maxPoints ?? 2_000_000);
    this.#setMeta = this.#db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    const kept = this.#db
      .prepare('SELECT value FROM meta WHERE key = ?')
      .pluck()
      .get(RAW_KEPT_FROM) as number | undefined;
    this.#rawKeptFrom = kept ?? -Infinity;
    const interval =
      options.retentionIntervalMs === undefined ? 3_600_000 : options.retentionIntervalMs;
    this.#stopRetention =
      interval === null
        ? () => undefined
        : every(this.#clock, interval, () => {
            try {
              this.applyRetention(this.#clock.now());
            } catch (err) {
              this.#logger?.error({ err }, 'time series: retention failed');
            }
          });
  }

  write(points: readonly Point[]): Promise<void> {
    return settle(() => {
      this.writeSync(points);
    });
  }

  /** `write`, returning what happened to each value; one transaction, fsynced at commit. */
  writeSync(points: readonly Point[]): WriteOutcome {
    this.#assertOpen();
    assertValidPoints(points);
    try {
      return this.#db.transaction(() => this.#writer.write(points, this.#rawKeptFrom))();
    } catch (err) {
      // Ids created in the rolled-back transaction are gone from the file: forget them too.
      this.#catalog.reload();
      this.#writer.reset();
      throw err;
    }
  }

  query(q: SeriesQuery): Promise<SeriesResult> {
    return settle(() => {
      this.#assertOpen();
      const parsed = parseSeriesQuery(q);
      const resolution =
        parsed.resolution === 'auto'
          ? chooseResolution(parsed.from, parsed.to, (r) => this.#oldestHeld(r))
          : parsed.resolution;
      return this.#reader.query(parsed, resolution);
    });
  }

  latest(
    measurement: string,
    field: string,
    tags?: Record<string, string>,
    options?: LatestOptions,
  ): Promise<LatestValue[]> {
    return settle(() => {
      this.#assertOpen();
      return this.#reader.latest(parseLatestArgs(measurement, field, tags, options));
    });
  }

  /**
   * Drops what each resolution no longer keeps at `now` (whole UTC days). Runs on the clock
   * every `retentionIntervalMs`; callable directly. Returns the rows deleted per resolution
   * (raw rows are points, rollup rows are (field, bucket) pairs).
   */
  applyRetention(now: number): RetentionOutcome {
    this.#assertOpen();
    const outcome: RetentionOutcome = { raw: 0, '1m': 0, '15m': 0, '1h': 0, '1d': 0 };
    const pairs = [...this.#catalog.pairs()];
    const series = this.#catalog.seriesIds();
    this.#db.transaction(() => {
      for (const resolution of RESOLUTIONS) {
        const cutoff = retentionCutoff(this.#retention, resolution, now);
        if (cutoff === null) continue;
        // Range deletes along each primary key: raw rows per series, rollups per pair.
        if (resolution === 'raw') {
          const remove = this.#db.prepare('DELETE FROM raw WHERE series_id = ? AND time < ?');
          for (const s of series) outcome.raw += remove.run(s, cutoff).changes;
          if (cutoff > this.#rawKeptFrom) this.#setMeta.run(RAW_KEPT_FROM, cutoff);
        } else {
          const remove = this.#db.prepare(
            `DELETE FROM ${ROLLUP_TABLE[resolution]}
              WHERE series_id = ? AND field_id = ? AND bucket < ?`,
          );
          for (const [s, f] of pairs) outcome[resolution] += remove.run(s, f, cutoff).changes;
        }
      }
    })();
    const rawCutoff = retentionCutoff(this.#retention, 'raw', now);
    if (rawCutoff !== null && rawCutoff > this.#rawKeptFrom) this.#rawKeptFrom = rawCutoff;
    this.#logger?.debug({ deleted: outcome }, 'time series: retention applied');
    return outcome;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#stopRetention();
    this.#db.close();
    return Promise.resolve();
  }

  /** The oldest time a resolution still holds in full at the clock's now. */
  #oldestHeld(resolution: Resolution): number {
    return retentionCutoff(this.#retention, resolution, this.#clock.now()) ?? -Infinity;
  }

  #assertOpen(): void {
    if (this.#closed) throw new TimeSeriesError('TSDB_UNAVAILABLE', 'the series store is closed');
  }
}

/** Runs synchronous work as a promise, so a throw becomes a rejection like any async store's. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}
