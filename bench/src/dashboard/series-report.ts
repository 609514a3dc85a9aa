import { markdownTable } from '../markdown-table.js';
import type { StoreName } from './dataset-cache.js';
import type { ShapeTiming, StoreTiming } from './query-timing.js';
import type { SeriesResults, StoreLoad } from './series-bench.js';
import { datasetPoints } from './town-dataset.js';

/** The budget of ARCHITECTURE.md §7 this part speaks to, and the dataset it is stated for. */
export const SERIES_GOAL = { p95Ms: 100, meters: 50, days: 365 } as const;

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) =>
  Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)) : 'n/a';
const mib = (bytes: number) => `${int(bytes / 2 ** 20)} MiB`;
const minutes = (s: number) => (s < 120 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

const STORE_LABEL: Readonly<Record<StoreName, string>> = {
  embedded: 'embedded (SQLite)',
  influxdb: 'InfluxDB 1.x',
};

function loadRow(store: StoreName, load: StoreLoad): string[] {
  const f = load.figures;
  return [
    STORE_LABEL[store],
    int(f.points),
    int(f.values),
    `${int(f.batches)} × ${int(f.batchSize)}${f.concurrency > 1 ? `, ${f.concurrency} in flight` : ''}`,
    minutes(f.wallSeconds),
    int(f.points / f.wallSeconds),
    f.loadAverage.toFixed(1),
    mib(load.bytesNow),
    load.cached ? `cached (${f.loadedAt.slice(0, 16).replace('T', ' ')})` : 'this run',
  ];
}

/** What each store holds, how it got there and how long that took. */
export function loadTable(results: SeriesResults): string {
  const rows = (['embedded', 'influxdb'] as const).flatMap((s) => {
    const load = results.loads[s];
    return load === undefined ? [] : [loadRow(s, load)];
  });
  return markdownTable(
    [
      'store',
      'points written',
      'values',
      'batches × points',
      'load time',
      'points/s',
      'load avg at start',
      'on disk',
      'loaded',
    ],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    rows,
  );
}

function wallCell(t: StoreTiming | null): string {
  return t === null ? '—' : `${ms(t.wallMs.p50)} / ${ms(t.wallMs.p95)} / ${ms(t.wallMs.max)}`;
}

/** The embedded store's CPU per call: measured call by call, so its percentiles hold. */
function embeddedCpuCell(t: StoreTiming): string {
  return `${ms(t.clientCpuMs.p50)} / ${ms(t.clientCpuMs.p95)}`;
}

/** InfluxDB's CPU per call, server and client: a mean, as influxd's is read in clock ticks. */
function influxCpuCell(t: StoreTiming | null): string {
  return t === null ? '—' : ms(t.clientCpuMs.mean + (t.serverCpuMs ?? 0));
}

/** InfluxDB's p95 over the embedded store's: how many times slower the baseline is. */
export function p95Ratio(s: ShapeTiming): number | null {
  return s.influxdb === null ? null : s.influxdb.wallMs.p95 / s.embedded.wallMs.p95;
}

/** Per call: both stores' wall-time percentiles, CPU, what they answered, and the ratio. */
export function queryTable(results: SeriesResults): string {
  const rows = results.shapes.map((s) => {
    const ratio = p95Ratio(s);
    return [
      `${s.label} (\`${s.route}\`)`,
      s.embedded.answer,
      wallCell(s.embedded),
      embeddedCpuCell(s.embedded),
      s.influxError === null ? wallCell(s.influxdb) : 'failed',
      influxCpuCell(s.influxdb),
      ratio === null ? '—' : `${ratio.toFixed(1)}×`,
      s.disagreement === null ? (s.influxdb === null ? '—' : 'yes') : 'NO',
    ];
  });
  return markdownTable(
    [
      'dashboard call (route)',
      'embedded reads',
      'embedded p50 / p95 / max ms',
      'CPU p50 / p95 ms',
      'InfluxDB p50 / p95 / max ms',
      'CPU ms (mean)',
      'InfluxDB ÷ embedded (p95)',
      'same answer',
    ],
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
    rows,
  );
}

/** The slowest shape's p95 on the embedded store. */
export function worstEmbeddedP95(results: SeriesResults): ShapeTiming | null {
  let worst: ShapeTiming | null = null;
  for (const s of results.shapes) {
    if (worst === null || s.embedded.wallMs.p95 > worst.embedded.wallMs.p95) worst = s;
  }
  return worst;
}

/** The budget's line: the slowest dashboard call's p95 against 100 ms. */
export function seriesVerdict(results: SeriesResults): {
  goal: string;
  measured: string;
  pass: boolean | null;
} {
  const worst = worstEmbeddedP95(results);
  const { meters, days } = results.spec;
  const full = meters >= SERIES_GOAL.meters && days >= SERIES_GOAL.days;
  return {
    goal:
      `dashboard series query, 1 year × 50 meters at 1 min, p95 ≤ ${SERIES_GOAL.p95Ms} ms ` +
      '(embedded store, slowest call)' +
      (full ? '' : ` (this run: ${meters} meters × ${days} days)`),
    measured:
      worst === null
        ? 'not measured'
        : `${ms(worst.embedded.wallMs.p95)} ms (${worst.label}; its CPU p95 ` +
          `${ms(worst.embedded.clientCpuMs.p95)} ms)`,
    pass: worst === null || !full ? null : worst.embedded.wallMs.p95 <= SERIES_GOAL.p95Ms,
  };
}

/** Problems that make the part's figures meaningless: the stores disagree. */
export function seriesProblems(results: SeriesResults): string[] {
  const problems = results.shapes.flatMap((s) =>
    s.disagreement === null ? [] : [`${s.id}: embedded and InfluxDB disagree (${s.disagreement})`],
  );
  for (const [store, load] of Object.entries(results.loads)) {
    const expected = datasetPoints(results.spec);
    if (load.figures.points !== expected) {
      problems.push(`${store}: ${load.figures.points} points loaded, expected ${expected}`);
    }
  }
  return problems;
}

/** Part A's tables, for the terminal and the doc. */
export function renderSeries(results: SeriesResults): string {
  const { meters, days } = results.spec;
  return [
    `**Dataset: ${meters} meters × ${days} days, one reading a minute (${int(datasetPoints(results.spec))} points)**`,
    '',
    loadTable(results),
    '',
    `**Dashboard calls, ${results.runs} timed calls each per store** (after 2 untimed; the two stores in turn; CPU per call: the bench process for the embedded store, influxd and the bench for InfluxDB)`,
    '',
    queryTable(results),
  ].join('\n');
}
