/**
 * Measures the embedded store against ARCHITECTURE §7: ingest rate for batches of 1,000 points
 * and dashboard query latency over a year of 1-minute readings from 50 meters. Not a test (it
 * takes minutes and asserts nothing); run it by hand and copy its tables into
 * docs/timeseries.md:
 *
 *   node --conditions=source --import tsx cloud-api/test/timeseries/measure-embedded.ts \
 *     [--meters 50] [--days 365] [--runs 50] [--live-sources 5000]
 *
 * Times are wall clock and, since CI machines are shared, also the process's CPU time.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ManualClock } from '@hameau/protocol';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import type { Point } from '../../src/timeseries/point.js';
import type { SeriesQuery } from '../../src/timeseries/time-series-store.js';

const { values: args } = parseArgs({
  options: {
    meters: { type: 'string', default: '50' },
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '50' },
    'live-sources': { type: 'string', default: '5000' },
  },
});
const METERS = Number(args.meters);
const DAYS = Number(args.days);
const RUNS = Number(args.runs);
const LIVE_SOURCES = Number(args['live-sources']);
const BATCH = 1_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const END = Date.UTC(2026, 0, 1);

const dir = mkdtempSync(join(tmpdir(), 'hameau-measure-'));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const fmt = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1);
const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en');

/** A meter's readings: a random walk of power and the energy it adds up. */
function meter(i: number) {
  const tags = {
    site: `site-${String(i % 10).padStart(2, '0')}`,
    device: 'meters',
    source: `m-${i}`,
  };
  let power = 500 + 40 * (i % 50);
  let energy = 1_000 * i;
  let seq = 0;
  return (time: number): Point => {
    power = Math.max(0, power + Math.sin(time / 3_600_000 + i) * 50 - 25);
    energy += power / 60_000;
    return {
      measurement: 'energy',
      tags: { ...tags },
      fields: { power_w: power, energy_import_kwh: energy, seq: seq++ },
      time,
    };
  };
}

/** Writes batches as they come, timing write() alone; the clock follows the data. */
async function ingest(store: EmbeddedStore, clock: ManualClock, batches: Iterable<Point[]>) {
  const batchMs: number[] = [];
  let points = 0;
  let cpuMs = 0;
  for (const batch of batches) {
    const before = performance.now();
    const cpuBefore = process.cpuUsage();
    await store.write(batch);
    batchMs.push(performance.now() - before);
    const cpu = process.cpuUsage(cpuBefore);
    cpuMs += (cpu.user + cpu.system) / 1000;
    points += batch.length;
    // Retention runs hourly on the store's clock, as in production.
    await clock.advanceTo((batch.at(-1) as Point).time);
  }
  const wallMs = batchMs.reduce((a, b) => a + b, 0);
  batchMs.sort((a, b) => a - b);
  const values = points * 3;
  return [
    `| points/s | ${perSecond(points, wallMs)} | ${perSecond(points, cpuMs)} |`,
    `| values/s (3 per point) | ${perSecond(values, wallMs)} | ${perSecond(values, cpuMs)} |`,
    `| one batch of 1,000 points, p50 / p95 / max ms | ${fmt(percentile(batchMs, 50))} / ` +
      `${fmt(percentile(batchMs, 95))} / ${fmt(batchMs.at(-1) ?? NaN)} | |`,
  ];
}

// ---- A year of 1-minute readings from 50 meters, in batches of 1,000 points.
function* history(): Generator<Point[]> {
  const meters = Array.from({ length: METERS }, (_, i) => meter(i));
  let batch: Point[] = [];
  for (let t = END - DAYS * DAY; t < END; t += MINUTE) {
    for (const read of meters) {
      batch.push(read(t));
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}
const clock = new ManualClock(END - DAYS * DAY);
const file = join(dir, 'history.sqlite');
const store = new EmbeddedStore({ path: file, clock });
const started = performance.now();
const historyRows = await ingest(store, clock, history());
const historyMinutes = ((performance.now() - started) / 60_000).toFixed(1);
await clock.advanceTo(END);

// ---- Queries a dashboard makes, `now` being the end of that year.
const power = { measurement: 'energy', field: 'power_w', to: END } as const;
const span = `${DAYS} days`;
const queries: [string, SeriesQuery | null][] = [
  [
    `${span}, all meters in one series (mean)`,
    { ...power, from: END - DAYS * DAY, resolution: 'auto' },
  ],
  [
    `${span}, one series per meter`,
    { ...power, from: END - DAYS * DAY, resolution: 'auto', groupBy: ['source'] },
  ],
  [
    `${span}, one meter`,
    { ...power, tags: { source: 'm-7' }, from: END - DAYS * DAY, resolution: 'auto' },
  ],
  [
    `${span} forced to 1 h, all meters in one series`,
    { ...power, from: END - DAYS * DAY, resolution: '1h' },
  ],
  [
    '30 days, one series per site',
    { ...power, from: END - 30 * DAY, resolution: 'auto', groupBy: ['site'] },
  ],
  ['24 hours, all meters in one series', { ...power, from: END - DAY, resolution: 'auto' }],
  [
    '24 hours, one series per meter',
    { ...power, from: END - DAY, resolution: 'auto', groupBy: ['source'] },
  ],
  [
    '1 hour, one meter, raw',
    { ...power, tags: { source: 'm-7' }, from: END - 3_600_000, resolution: 'raw' },
  ],
  ['latest power of every meter', null],
];
const queryRows: string[] = [];
for (const [name, q] of queries) {
  const run = async () => (q === null ? store.latest('energy', 'power_w') : store.query(q));
  const first = await run();
  const shape =
    'series' in first
      ? `${first.resolution}: ${first.series.length} × ${first.series[0]?.points.length ?? 0}`
      : `${first.length} values`;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const before = performance.now();
    const cpuBefore = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpuBefore);
    wall.push(performance.now() - before);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  queryRows.push(
    `| ${name} | ${shape} | ${fmt(percentile(wall, 50))} | ${fmt(percentile(wall, 95))} | ` +
      `${fmt(percentile(cpu, 95))} |`,
  );
}
const size = Math.round(statSync(file).size / 2 ** 20);
const load = loadavg()[0]?.toFixed(2) ?? '?';
await store.close();

// ---- Live-like: every batch holds one point from each of 1,000 of LIVE_SOURCES meters, the
// worst case for a store clustered by series (every value lands in a different place).
function* live(): Generator<Point[]> {
  const meters = Array.from({ length: LIVE_SOURCES }, (_, i) => meter(i));
  for (let round = 0; round < 40; round++) {
    for (let from = 0; from < LIVE_SOURCES; from += BATCH) {
      yield meters.slice(from, from + BATCH).map((read, i) => read(END + round * 10_000 + i));
    }
  }
}
const liveClock = new ManualClock(END);
const liveStore = new EmbeddedStore({ path: join(dir, 'live.sqlite'), clock: liveClock });
const liveRows = await ingest(liveStore, liveClock, live());
await liveStore.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  [
    `node ${process.version}; ${METERS} meters × ${DAYS} days of 1-minute readings (power_w, ` +
      `energy_import_kwh, seq): ${size} MiB, written in ${historyMinutes} min; load average ${load}`,
    '',
    '| history ingest, batches of 1,000 points | wall clock | CPU time |',
    '| --- | --- | --- |',
    ...historyRows,
    '',
    `| live-like ingest: ${LIVE_SOURCES} meters, 1,000 per batch | wall clock | CPU time |`,
    '| --- | --- | --- |',
    ...liveRows,
    '',
    `| query (${RUNS} runs each) | resolution: series × points | p50 ms | p95 ms | p95 CPU ms |`,
    '| --- | --- | --- | --- | --- |',
    ...queryRows,
  ].join('\n'),
);
