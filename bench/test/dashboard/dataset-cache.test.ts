import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetCache } from '../../src/dashboard/dataset-cache.js';
import type { LoadFigures } from '../../src/dashboard/load-figures.js';

const figures: LoadFigures = {
  points: 1_000,
  values: 3_000,
  batches: 1,
  batchSize: 5_000,
  concurrency: 1,
  wallSeconds: 2.5,
  storeSeconds: 2,
  loadAverage: 1.2,
  bytes: 123_456,
  loadedAt: '2026-11-26T05:00:00.000Z',
};

const roots: string[] = [];
const root = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-dataset-cache-test-'));
  roots.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('DatasetCache', () => {
  it('keeps each dataset in a folder named by its size', () => {
    const r = root();
    const cache = new DatasetCache(r, { meters: 5, days: 30 });
    expect(cache.dir.startsWith(join(r, '5-meters-30-days-v'))).toBe(true);
    expect(cache.embeddedPath).toBe(join(cache.dir, 'series.sqlite'));
    expect(cache.influxDir).toBe(join(cache.dir, 'influxd'));
  });

  it('remembers a finished load across runs, per store', () => {
    const r = root();
    const spec = { meters: 5, days: 30 };
    const first = new DatasetCache(r, spec);
    expect(first.loaded('embedded')).toBeNull();
    first.record('embedded', figures);
    const next = new DatasetCache(r, spec);
    expect(next.loaded('embedded')).toEqual(figures);
    expect(next.loaded('influxdb')).toBeNull();
    // Another size has its own folder and knows nothing of this one.
    expect(new DatasetCache(r, { meters: 5, days: 31 }).loaded('embedded')).toBeNull();
  });

  it('trusts nothing from a damaged or foreign manifest', () => {
    const r = root();
    const cache = new DatasetCache(r, { meters: 2, days: 2 });
    const manifest = join(cache.dir, 'manifest.json');
    writeFileSync(manifest, '{"key": "2-meters-2-');
    expect(new DatasetCache(r, { meters: 2, days: 2 }).loaded('embedded')).toBeNull();
    writeFileSync(manifest, JSON.stringify({ key: 'other', loads: { embedded: figures } }));
    expect(new DatasetCache(r, { meters: 2, days: 2 }).loaded('embedded')).toBeNull();
    const key = cache.dir.slice(r.length + 1);
    const broken = { ...figures, points: 'many' };
    writeFileSync(
      manifest,
      JSON.stringify({ key, loads: { embedded: broken, influxdb: figures } }),
    );
    const reread = new DatasetCache(r, { meters: 2, days: 2 });
    expect(reread.loaded('embedded')).toBeNull();
    expect(reread.loaded('influxdb')).toEqual(figures);
  });

  it('clears what an unfinished load left', () => {
    const cache = new DatasetCache(root(), { meters: 1, days: 1 });
    writeFileSync(cache.embeddedPath, 'x');
    writeFileSync(`${cache.embeddedPath}-wal`, 'x');
    cache.clear('embedded');
    expect(existsSync(cache.embeddedPath)).toBe(false);
    expect(existsSync(`${cache.embeddedPath}-wal`)).toBe(false);
  });
});
