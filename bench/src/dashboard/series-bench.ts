import { EmbeddedStore, createTimeSeriesStore } from '@hameau/cloud-api';
import { ManualClock, systemClock } from '@hameau/protocol';
import { startInfluxd, type Influxd } from '../ingest/influxd-process.js';
import { DatasetCache, type StoreName } from './dataset-cache.js';
import { openEnergyReader, type EnergyReader } from './energy-reader.js';
import { loadEmbedded, sqliteBytes } from './load-embedded.js';
import type { LoadFigures } from './load-figures.js';
import { folderBytes, INFLUX_DATABASE, loadInflux } from './load-influx.js';
import type { SeriesBenchOptions } from './options.js';
import { queryShapes } from './query-shapes.js';
import { timeShape, type ShapeTiming } from './query-timing.js';
import { DATASET_END, type DatasetSpec } from './town-dataset.js';
import { waitUntilIdle } from './wait-until-idle.js';

/** How a store got its data this run. */
export interface StoreLoad {
  readonly figures: LoadFigures;
  /** True when the data came from the cache (the figures are those of the earlier load). */
  readonly cached: boolean;
  /** Bytes on disk when the queries ran. */
  readonly bytesNow: number;
}

/** What the series part of the bench measured. */
export interface SeriesResults {
  readonly spec: DatasetSpec;
  readonly runs: number;
  readonly cacheDir: string;
  readonly loads: Partial<Record<StoreName, StoreLoad>>;
  readonly influxVersion: string | null;
  /** Seconds waited for influxd to go idle before timing, and whether it did. */
  readonly influxSettle: { readonly seconds: number; readonly idle: boolean } | null;
  readonly shapes: readonly ShapeTiming[];
}

/** After a bulk load influxd compacts for minutes; the queries wait for it (bounded). */
const SETTLE = { maxCores: 0.05, quietSeconds: 5, timeoutSeconds: 900 } as const;

/**
 * Part A: loads the dataset into each store (or reuses the cached one), then times the
 * dashboard's calls on both as of the dataset's last minute.
 */
export async function runSeriesBench(
  options: SeriesBenchOptions,
  log: (line: string) => void,
): Promise<SeriesResults> {
  const spec = options.dataset;
  const cache = new DatasetCache(options.cacheDir, spec);
  const loads: Partial<Record<StoreName, StoreLoad>> = {};
  const cleanups: (() => Promise<void>)[] = [];
  try {
    loads.embedded = await ensureEmbedded(cache, options, log);

    let influxd: Influxd | null = null;
    let settle: SeriesResults['influxSettle'] = null;
    if (options.influx) {
      influxd = await ensureInflux(cache, options, log, loads);
      const server = influxd;
      cleanups.push(() => server.stop());
      if (server.pid !== null) {
        log('influxd: waiting until it is idle (snapshots, compactions) before timing');
        settle = await waitUntilIdle(server.pid, SETTLE);
        log(`influxd: ${settle.idle ? 'idle' : 'still busy'} after ${settle.seconds.toFixed(0)} s`);
      }
      const figures = loads.influxdb?.figures;
      if (figures !== undefined) {
        loads.influxdb = {
          figures,
          cached: loads.influxdb?.cached ?? false,
          bytesNow: folderBytes(cache.influxDir),
        };
      }
    }

    // Every query is asked "now" = the dataset's last minute, as the API's clock would say.
    const clock = new ManualClock(DATASET_END);
    const embeddedStore = new EmbeddedStore({
      path: cache.embeddedPath,
      clock,
      retentionIntervalMs: null,
    });
    const embedded: EnergyReader = await openEnergyReader(embeddedStore, clock);
    cleanups.push(async () => {
      await embedded.close();
      await embeddedStore.close();
    });
    let influxReader: EnergyReader | null = null;
    if (influxd !== null) {
      // The store's own clock only paces retries: the real one.
      const store = createTimeSeriesStore(
        { kind: 'influxdb', version: 1, url: influxd.url, database: INFLUX_DATABASE },
        { clock: systemClock },
      );
      const reader = await openEnergyReader(store, clock);
      influxReader = reader;
      cleanups.push(async () => {
        await reader.close();
        await store.close();
      });
    }

    const shapes: ShapeTiming[] = [];
    for (const shape of queryShapes(spec.meters)) {
      const timing = await timeShape(
        shape,
        {
          embedded: { service: embedded.service, serverPid: null },
          influxdb:
            influxReader === null || influxd === null
              ? null
              : { service: influxReader.service, serverPid: influxd.pid },
        },
        options.runs,
      );
      shapes.push(timing);
      const influx = timing.influxdb;
      log(
        `${shape.id}: embedded p95 ${timing.embedded.wallMs.p95.toFixed(1)} ms` +
          (influx === null
            ? timing.influxError === null
              ? ''
              : `, InfluxDB failed: ${timing.influxError}`
            : `, InfluxDB p95 ${influx.wallMs.p95.toFixed(1)} ms`) +
          (timing.disagreement === null ? '' : ` — DISAGREE: ${timing.disagreement}`),
      );
    }
    return {
      spec,
      runs: options.runs,
      cacheDir: cache.dir,
      loads,
      influxVersion: influxd?.version ?? null,
      influxSettle: settle,
      shapes,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

async function ensureEmbedded(
  cache: DatasetCache,
  options: SeriesBenchOptions,
  log: (line: string) => void,
): Promise<StoreLoad> {
  const cached = options.reload ? null : cache.loaded('embedded');
  if (cached !== null) {
    log(`embedded: reusing ${cache.embeddedPath} (loaded ${cached.loadedAt})`);
    return { figures: cached, cached: true, bytesNow: sqliteBytes(cache.embeddedPath) };
  }
  cache.clear('embedded');
  log(`embedded: loading ${cache.embeddedPath}`);
  const figures = await loadEmbedded(cache.embeddedPath, options.dataset, {
    batchSize: options.embeddedBatch,
    progress: (share) => {
      log(`embedded: ${(share * 100).toFixed(0)} % loaded`);
    },
  });
  cache.record('embedded', figures);
  log(
    `embedded: ${figures.points} points in ${figures.wallSeconds.toFixed(0)} s ` +
      `(${Math.round(figures.points / figures.wallSeconds)} points/s)`,
  );
  return { figures, cached: false, bytesNow: figures.bytes };
}

/** Starts influxd on the cached data, loading it first when the cache has none. */
async function ensureInflux(
  cache: DatasetCache,
  options: SeriesBenchOptions,
  log: (line: string) => void,
  loads: Partial<Record<StoreName, StoreLoad>>,
): Promise<Influxd> {
  const cached = options.reload ? null : cache.loaded('influxdb');
  if (cached === null) cache.clear('influxdb');
  const influxd = await startInfluxd({ dir: cache.influxDir });
  log(`influxd: ${influxd.version} at ${influxd.url}, data in ${cache.influxDir}`);
  try {
    if (cached !== null) {
      log(`influxdb: reusing the loaded data (loaded ${cached.loadedAt})`);
      loads.influxdb = { figures: cached, cached: true, bytesNow: 0 };
      return influxd;
    }
    log('influxdb: loading');
    const figures = await loadInflux(influxd, cache.influxDir, options.dataset, {
      batchSize: options.influxBatch,
      concurrency: options.influxConcurrency,
      progress: (share) => {
        log(`influxdb: ${(share * 100).toFixed(0)} % loaded`);
      },
    });
    cache.record('influxdb', figures);
    log(
      `influxdb: ${figures.points} points in ${figures.wallSeconds.toFixed(0)} s ` +
        `(${Math.round(figures.points / figures.wallSeconds)} points/s)`,
    );
    loads.influxdb = { figures, cached: false, bytesNow: 0 };
    return influxd;
  } catch (err) {
    await influxd.stop();
    throw err;
  }
}
