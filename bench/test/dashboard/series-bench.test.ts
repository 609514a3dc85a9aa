import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeriesBenchOptions } from '../../src/dashboard/options.js';
import { runSeriesBench, type SeriesResults } from '../../src/dashboard/series-bench.js';
import { seriesProblems } from '../../src/dashboard/series-report.js';
import { datasetPoints } from '../../src/dashboard/town-dataset.js';

// Three meters over three days, on the embedded store and a private influxd: every dashboard
// call must answer the same on both, and a second run must reuse the loaded data.
const cacheDir = mkdtempSync(join(tmpdir(), 'hameau-series-bench-test-'));
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});

const options: SeriesBenchOptions = {
  dataset: { meters: 3, days: 3 },
  runs: 2,
  cacheDir,
  reload: false,
  influx: true,
  embeddedBatch: 5_000,
  influxBatch: 5_000,
  influxConcurrency: 2,
};

describe('runSeriesBench', () => {
  let first: SeriesResults;

  it('loads both stores, times every call on both, and finds the same answers', async () => {
    first = await runSeriesBench(options, () => undefined);
    const points = datasetPoints(options.dataset);
    expect(first.loads.embedded).toMatchObject({ cached: false, figures: { points } });
    expect(first.loads.influxdb).toMatchObject({ cached: false, figures: { points } });
    expect(first.influxVersion).toMatch(/^InfluxDB v1\./);
    expect(first.shapes.map((s) => s.id)).toEqual([
      'meter-1d',
      'meter-7d',
      'meter-30d',
      'meter-365d',
      'town-history-day',
      'town-history-month',
      'town-now',
    ]);
    for (const s of first.shapes) {
      expect(s.influxError, s.id).toBeNull();
      expect(s.disagreement, s.id).toBeNull();
      expect(s.embedded.wallMs.count).toBe(2);
      expect(s.influxdb?.wallMs.count).toBe(2);
      expect(s.influxdb?.answer).toBe(s.embedded.answer);
    }
    const answers = Object.fromEntries(first.shapes.map((s) => [s.id, s.embedded.answer]));
    // The store's `auto` resolution for each span, and a day of minutes for the last 24 h.
    expect(answers['meter-1d']).toBe('1m: 1 × 1440');
    expect(answers['meter-7d']).toMatch(/^15m: 1 × \d+$/);
    expect(answers['town-now']).toBe('3 fresh, 0 stale');
    expect(seriesProblems(first)).toEqual([]);
  }, 120_000);

  it('reuses the loaded dataset on the next run', async () => {
    const again = await runSeriesBench(options, () => undefined);
    expect(again.loads.embedded?.cached).toBe(true);
    expect(again.loads.influxdb?.cached).toBe(true);
    expect(again.loads.embedded?.figures).toEqual(first.loads.embedded?.figures);
    expect(again.shapes.every((s) => s.disagreement === null && s.influxdb !== null)).toBe(true);
  }, 120_000);
});
