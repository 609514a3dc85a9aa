import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { EmbeddedStore } from '@hameau/cloud-api';
import { ManualClock } from '@hameau/protocol';
import type { LoadFigures } from './load-figures.js';
import {
  DATASET_END,
  datasetStart,
  DAY_MS,
  historyBatches,
  type DatasetSpec,
} from './town-dataset.js';

/** Bytes of a SQLite file with its WAL. */
export function sqliteBytes(path: string): number {
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  return size(path) + size(`${path}-wal`);
}

/**
 * Loads the history into a new embedded store at `path` through its `write` API, oldest first,
 * in batches of whole minutes, as ingestion would have over the year; its default retention is
 * applied at each UTC midnight of the data (what the hourly run on a live store does, since it
 * cuts on whole days), so the file ends as a store that has run for the whole span: raw points
 * for the last 7 days, 1 min rollups for 30, 15 min for 400, 1 h and 1 day for ever.
 */
export async function loadEmbedded(
  path: string,
  spec: DatasetSpec,
  options: { readonly batchSize: number; readonly progress: (share: number) => void },
): Promise<LoadFigures> {
  const start = datasetStart(spec);
  const clock = new ManualClock(start);
  const store = new EmbeddedStore({ path, clock, retentionIntervalMs: null });
  const loadAverage = loadavg()[0] ?? 0;
  const t0 = performance.now();
  let storeMs = 0;
  let points = 0;
  let values = 0;
  let batches = 0;
  let nextMidnight = Math.floor(start / DAY_MS) * DAY_MS + DAY_MS;
  let reported = 0;
  try {
    for (const batch of historyBatches(spec, options.batchSize)) {
      const t = performance.now();
      await store.write(batch);
      const last = batch.at(-1)?.time ?? start;
      if (last >= nextMidnight) {
        store.applyRetention(last);
        nextMidnight = Math.floor(last / DAY_MS) * DAY_MS + DAY_MS;
      }
      storeMs += performance.now() - t;
      batches++;
      points += batch.length;
      for (const p of batch) values += Object.keys(p.fields).length;
      const share = (last - start) / (DATASET_END - start);
      if (share - reported >= 0.05) {
        reported = share;
        options.progress(share);
      }
    }
    const t = performance.now();
    store.applyRetention(DATASET_END);
    storeMs += performance.now() - t;
  } finally {
    await store.close();
  }
  return {
    points,
    values,
    batches,
    batchSize: options.batchSize,
    concurrency: 1,
    wallSeconds: (performance.now() - t0) / 1000,
    storeSeconds: storeMs / 1000,
    loadAverage,
    bytes: sqliteBytes(path),
    loadedAt: new Date().toISOString(),
  };
}
