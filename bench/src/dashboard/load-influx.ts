import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createTimeSeriesStore, type Point } from '@hameau/cloud-api';
import { systemClock } from '@hameau/protocol';
import type { Influxd } from '../ingest/influxd-process.js';
import type { LoadFigures } from './load-figures.js';
import { DATASET_END, datasetStart, historyBatches, type DatasetSpec } from './town-dataset.js';

/** The database the dataset is written to in the bench's private influxd. */
export const INFLUX_DATABASE = 'town';

/** Bytes under a folder, recursively. */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

/**
 * Loads the history into InfluxDB through the API's own `InfluxStore.write` (line protocol,
 * split into requests of 5,000 lines as in production), oldest first, with `concurrency`
 * batches in flight so that influxd, not the bench's one thread, sets the pace. Raw points
 * only: InfluxDB keeps no rollups, and its default retention policy keeps everything.
 */
export async function loadInflux(
  influxd: Influxd,
  dataDir: string,
  spec: DatasetSpec,
  options: {
    readonly batchSize: number;
    readonly concurrency: number;
    readonly progress: (share: number) => void;
  },
): Promise<LoadFigures> {
  await influxd.admin(`CREATE DATABASE ${INFLUX_DATABASE}`);
  const store = createTimeSeriesStore(
    { kind: 'influxdb', version: 1, url: influxd.url, database: INFLUX_DATABASE },
    { clock: systemClock },
  );
  const start = datasetStart(spec);
  const loadAverage = loadavg()[0] ?? 0;
  const t0 = performance.now();
  let points = 0;
  let values = 0;
  let batches = 0;
  let reported = 0;
  const inFlight = new Set<Promise<void>>();
  // An object: the compiler would otherwise not see the callbacks below set it.
  const state: { failure: Error | null } = { failure: null };
  const send = (batch: Point[]) => {
    const p = store.write(batch).then(
      () => {
        inFlight.delete(p);
      },
      (err: unknown) => {
        inFlight.delete(p);
        state.failure ??= err instanceof Error ? err : new Error(String(err));
      },
    );
    inFlight.add(p);
  };
  try {
    for (const batch of historyBatches(spec, options.batchSize)) {
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      if (state.failure !== null) throw state.failure;
      send(batch);
      batches++;
      points += batch.length;
      for (const p of batch) values += Object.keys(p.fields).length;
      const share = ((batch.at(-1)?.time ?? start) - start) / (DATASET_END - start);
      if (share - reported >= 0.05) {
        reported = share;
        options.progress(share);
      }
    }
    await Promise.all(inFlight);
    if (state.failure !== null) throw state.failure;
  } finally {
    await Promise.allSettled(inFlight);
    await store.close();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    points,
    values,
    batches,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    wallSeconds,
    // The writes overlap: the store's time is the wall time.
    storeSeconds: wallSeconds,
    loadAverage,
    bytes: folderBytes(dataDir),
    loadedAt: new Date().toISOString(),
  };
}
