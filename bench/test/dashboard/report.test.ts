import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS_DOC_INTRO } from '../../src/bench-section.js';
import type { LiveCase, LiveResults } from '../../src/dashboard/live-bench.js';
import { liveProblems, liveVerdict } from '../../src/dashboard/live-report.js';
import { parseDashboardOptions, type DashboardBenchOptions } from '../../src/dashboard/options.js';
import type { ShapeTiming, StoreTiming } from '../../src/dashboard/query-timing.js';
import { renderDocSection, resultProblems } from '../../src/dashboard/report.js';
import type { SeriesResults } from '../../src/dashboard/series-bench.js';
import { seriesProblems, seriesVerdict } from '../../src/dashboard/series-report.js';
import { replaceMarkdownSection } from '../../src/markdown-section.js';
import type { Summary } from '../../src/percentiles.js';

const options = parseDashboardOptions(
  [],
  {},
  {
    docPath: '/dev/null',
    cacheDir: '/tmp/cache',
  },
) as DashboardBenchOptions;

const summary = (p95: number): Summary => ({
  count: 30,
  min: p95 / 4,
  mean: p95 / 2,
  p50: p95 / 2,
  p95,
  p99: p95 * 1.1,
  max: p95 * 1.2,
});

const timing = (p95: number, server: number | null): StoreTiming => ({
  answer: '1m: 1 × 1440',
  wallMs: summary(p95),
  clientCpuMs: summary(p95 / 3),
  serverCpuMs: server,
});

const shape = (id: string, embeddedP95: number, influxP95: number): ShapeTiming => ({
  id,
  label: `call ${id}`,
  route: 'meters/…/series',
  embedded: timing(embeddedP95, null),
  influxdb: timing(influxP95, influxP95 / 2),
  influxError: null,
  disagreement: null,
});

const load = {
  points: 26_280_000,
  values: 81_468_000,
  batches: 5_256,
  batchSize: 5_000,
  concurrency: 1,
  wallSeconds: 900,
  storeSeconds: 880,
  loadAverage: 2.5,
  bytes: 600 * 2 ** 20,
  loadedAt: '2026-11-26T05:20:00.000Z',
};

const series = (embeddedP95: number): SeriesResults => ({
  spec: { meters: 50, days: 365 },
  runs: 30,
  cacheDir: fileURLToPath(
    new URL('../../../data/bench-dashboard/50-meters-365-days-v1', import.meta.url),
  ),
  loads: {
    embedded: { figures: load, cached: false, bytesNow: load.bytes },
    influxdb: {
      figures: { ...load, batchSize: 20_000, batches: 1_314, concurrency: 3, wallSeconds: 300 },
      cached: true,
      bytesNow: 400 * 2 ** 20,
    },
  },
  influxVersion: 'InfluxDB v1.6.7~rc0 (git: unknown unknown)',
  influxSettle: { seconds: 40, idle: true },
  shapes: [shape('meter-1d', 2, 30), shape('town-history-month', embeddedP95, 900)],
});

const liveCase = (viewers: number, p95: number): LiveCase => ({
  viewers,
  markerReadings: 120,
  readings: 600,
  offeredPerSecond: 20,
  latencyMs: { ...summary(p95), count: viewers * 120 },
  fanOutMs: summary(p95 / 5),
  updatesPerViewerPerSecond: 3.2,
  missed: 0,
  impossible: 0,
  endedEarly: 0,
  unreadable: 0,
  cores: { api: 0.25, broker: 0.03, viewers: 0.1, agents: 0.02 },
});

const live = (p95: number): LiveResults => ({
  devices: 5,
  ratePerSecond: 20,
  seconds: 30,
  primedPoints: 144_000,
  cases: [liveCase(1, 240), liveCase(1_000, p95)],
});

describe('verdicts', () => {
  it('judges the slowest embedded call against 100 ms', () => {
    const passing = seriesVerdict(series(60));
    expect(passing.pass).toBe(true);
    expect(passing.measured).toBe('60.0 ms (call town-history-month; its CPU p95 20.0 ms)');
    expect(seriesVerdict(series(140)).pass).toBe(false);
  });

  it('gives no verdict for a smaller dataset than the budget’s', () => {
    const small = seriesVerdict({ ...series(5), spec: { meters: 5, days: 30 } });
    expect(small.pass).toBeNull();
    expect(small.goal).toContain('(this run: 5 meters × 30 days)');
  });

  it('judges the many-viewer case against 1 s', () => {
    expect(liveVerdict(live(400)).pass).toBe(true);
    expect(liveVerdict(live(1_200)).pass).toBe(false);
    const few = { ...live(400), cases: [liveCase(1, 240), liveCase(100, 300)] };
    expect(liveVerdict(few).pass).toBeNull();
  });
});

describe('problems', () => {
  it('fails a run whose stores disagree or lost points', () => {
    const bad = series(50);
    const disagreeing: SeriesResults = {
      ...bad,
      shapes: [{ ...shape('town-now', 1, 10), disagreement: 'value 0: 1 against 2' }],
    };
    expect(seriesProblems(disagreeing)).toEqual([
      'town-now: embedded and InfluxDB disagree (value 0: 1 against 2)',
    ]);
    const short: SeriesResults = {
      ...bad,
      loads: { embedded: { figures: { ...load, points: 5 }, cached: false, bytesNow: 1 } },
    };
    expect(seriesProblems(short)).toEqual(['embedded: 5 points loaded, expected 26280000']);
  });

  it('fails a run in which viewers missed readings or were cut off', () => {
    const results = live(400);
    const cases = [{ ...liveCase(1_000, 400), missed: 3, endedEarly: 2 }];
    expect(liveProblems({ ...results, cases })).toEqual([
      '1000 viewer(s): 3 viewer-readings never shown',
      '1000 viewer(s): 2 streams ended by the server',
    ]);
    expect(resultProblems({ series: series(50), live: results })).toEqual([]);
  });
});

describe('renderDocSection', () => {
  const section = renderDocSection({ series: series(60), live: live(400) }, options, {
    machine: { cores: 2, cpuModel: 'AMD EPYC', memoryGiB: 24, os: 'Linux 6.18', node: 'v20.20.2' },
    date: new Date('2026-11-26T06:00:00Z'),
    loadAverage: [3.1, 4.2],
  });

  it('gives the command, the load, both parts, the ratios and the verdicts', () => {
    expect(section).toContain('Command: `npm run bench:dashboard` · 2026-11-26 06:00 UTC');
    expect(section).toContain('load average 3.1 before, 4.2 after');
    expect(section).toMatch(/\| embedded \(SQLite\) +\| +26,280,000 \|/);
    // InfluxDB's p95 over the embedded store's: 900 / 60.
    expect(section).toContain('15.0×');
    expect(section).toContain('1.67×');
    expect(section).toContain('cached in `data/bench-dashboard/50-meters-365-days-v1`');
    expect(section.match(/\| PASS/g)).toHaveLength(2);
  });

  it('is already formatted the way `prettier --check` wants docs/benchmarks.md', async () => {
    const doc = replaceMarkdownSection(BENCHMARKS_DOC_INTRO, 'bench:dashboard', section);
    const config = await resolveConfig(new URL('../../../docs/benchmarks.md', import.meta.url));
    expect(await format(doc, { ...config, parser: 'markdown' })).toBe(doc);
  });
});
