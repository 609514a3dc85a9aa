import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadFigures } from './load-figures.js';
import { datasetKey, type DatasetSpec } from './town-dataset.js';

/** The stores the series bench loads and times. */
export const STORES = ['embedded', 'influxdb'] as const;
export type StoreName = (typeof STORES)[number];

/** What the cache says about a dataset: each store's load, once it has finished. */
interface Manifest {
  readonly key: string;
  readonly loads: Partial<Record<StoreName, LoadFigures>>;
}

const NUMBERS = [
  'points',
  'values',
  'batches',
  'batchSize',
  'concurrency',
  'wallSeconds',
  'storeSeconds',
  'loadAverage',
  'bytes',
] as const;

/**
 * One dataset's folder in the cache (`data/bench-dashboard/<meters>-meters-<days>-days-vN/` by
 * default): the embedded store's file, influxd's data, and `manifest.json`, which records a
 * store's load only once it has finished, so a load cut short is redone rather than timed.
 */
export class DatasetCache {
  readonly dir: string;
  readonly #manifestPath: string;
  #manifest: Manifest;

  constructor(root: string, spec: DatasetSpec) {
    const key = datasetKey(spec);
    this.dir = join(root, key);
    this.#manifestPath = join(this.dir, 'manifest.json');
    mkdirSync(this.dir, { recursive: true });
    this.#manifest = readManifest(this.#manifestPath, key) ?? { key, loads: {} };
  }

  get embeddedPath(): string {
    return join(this.dir, 'series.sqlite');
  }

  get influxDir(): string {
    return join(this.dir, 'influxd');
  }

  /** How a store was loaded, when its load finished in this or an earlier run. */
  loaded(store: StoreName): LoadFigures | null {
    return this.#manifest.loads[store] ?? null;
  }

  /** Removes what an unfinished load of `store` left behind. */
  clear(store: StoreName): void {
    if (store === 'embedded') {
      for (const suffix of ['', '-wal', '-shm']) {
        rmSync(`${this.embeddedPath}${suffix}`, { force: true });
      }
    } else {
      rmSync(this.influxDir, { recursive: true, force: true });
    }
  }

  /** Records a finished load. */
  record(store: StoreName, figures: LoadFigures): void {
    this.#manifest = { ...this.#manifest, loads: { ...this.#manifest.loads, [store]: figures } };
    writeFileSync(this.#manifestPath, `${JSON.stringify(this.#manifest, null, 2)}\n`);
  }
}

function isFigures(value: unknown): value is LoadFigures {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return NUMBERS.every((k) => typeof v[k] === 'number') && typeof v['loadedAt'] === 'string';
}

/** The manifest of `key`; null when absent, unreadable or for another dataset (start over). */
function readManifest(path: string, key: string): Manifest | null {
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const { key: found, loads } = raw as Record<string, unknown>;
  if (found !== key || typeof loads !== 'object' || loads === null) return null;
  const kept: Partial<Record<StoreName, LoadFigures>> = {};
  for (const store of STORES) {
    const figures = (loads as Record<string, unknown>)[store];
    if (isFigures(figures)) kept[store] = figures;
  }
  return { key, loads: kept };
}
