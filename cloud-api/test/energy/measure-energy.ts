/**
 * Measures the energy figures for 50 meters and a year: kWh per month, week and day for the
 * whole town, the green share of a day, power now. 400 days are written so that the oldest
 * month asked for is whole. Not a test (it takes a few minutes and asserts nothing); run it by
 * hand and copy its table into docs/energy.md:
 *
 *   node --conditions=source --import tsx cloud-api/test/energy/measure-energy.ts \
 *     [--meters 50] [--days 400] [--step-minutes 15] [--runs 30] [--data DIR]
 *
 * With `--data`, the series are written to DIR once and read from there by later runs (same
 * meters and days), and DIR is kept.
 *
 * The figures read the 1 h and 1 day rollups (and 15 min for the green share), whose row
 * counts do not depend on the reading interval as long as every bucket has a reading: a
 * reading every 15 minutes writes a year in a minute or two instead of half an hour.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { ManualClock } from '@hameau/protocol';
import { EnergyService } from '../../src/energy/energy-service.js';
import { DEFAULT_ENERGY_SETTINGS } from '../../src/energy/energy-settings.js';
import { MeterRoleService } from '../../src/energy/meter-role-service.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import type { Point } from '../../src/timeseries/point.js';

const { values: args } = parseArgs({
  options: {
    meters: { type: 'string', default: '50' },
    days: { type: 'string', default: '400' },
    'step-minutes': { type: 'string', default: '15' },
    runs: { type: 'string', default: '30' },
    data: { type: 'string' },
  },
});
const METERS = Number(args.meters);
const DAYS = Number(args.days);
const STEP = Number(args['step-minutes']) * 60_000;
const RUNS = Number(args.runs);
const DAY = 86_400_000;
// Noon on 2026-11-25 in Paris; the data ends there.
const END = Date.UTC(2026, 10, 25, 11);

const dir = args.data ?? mkdtempSync(join(tmpdir(), 'hameau-measure-energy-'));
mkdirSync(dir, { recursive: true });
const reuse = existsSync(join(dir, 'series.sqlite'));
// Meter roles (none set) live apart, in a directory removed every time.
const rolesDir = mkdtempSync(join(tmpdir(), 'hameau-measure-roles-'));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function main(): Promise<void> {
  const clock = new ManualClock(END);
  const store = new EmbeddedStore({
    path: join(dir, 'series.sqlite'),
    clock,
    retentionIntervalMs: null,
  });
  const database = await openDatabase({ dialect: 'sqlite', file: join(rolesDir, 'hameau.sqlite') });
  await migrateToLatest(database.db);
  const settings = DEFAULT_ENERGY_SETTINGS;
  const roles = new MeterRoleService({
    db: database.db,
    clock,
    log: pino({ level: 'silent' }),
    store,
    measurement: settings.measurement,
  });
  const service = new EnergyService({ store, roles, clock, settings });

  if (!reuse) await writeYear(store);

  const today = service.calendar.dateAt(END);
  const yearAgo = service.calendar.dateAt(END - 364 * DAY);
  const monthAgo = service.calendar.dateAt(END - 30 * DAY);
  const cases: [string, () => Promise<unknown>][] = [
    [
      'kWh per month, 12 months, town',
      () => service.kwh({}, service.periods('month', yearAgo, today)),
    ],
    [
      'kWh per week, 53 weeks, town',
      () => service.kwh({}, service.periods('week', yearAgo, today)),
    ],
    ['kWh per day, 31 days, town', () => service.kwh({}, service.periods('day', monthAgo, today))],
    ['kWh per day, 365 days, town', () => service.kwh({}, service.periods('day', yearAgo, today))],
    [
      'kWh per day, yesterday and today, town',
      () => service.kwh({}, service.periods('day', service.calendar.dateAt(END - DAY), today)),
    ],
    [
      'kWh per month, 12 months, one site (5 meters)',
      () => service.kwh({ site: 'site-3' }, service.periods('month', yearAgo, today)),
    ],
    ['history month (30 days by day)', () => service.kwh({}, service.historySpans('month'))],
    [
      'green share, today by quarter',
      () => service.greenShare({}, service.calendar.periodStart(END, 'day'), END),
    ],
    ['power now', () => service.now({})],
    [
      '(reference) one 1 h query, a year × all meters',
      () =>
        store.query({
          measurement: 'energy',
          field: 'energy_import_kwh',
          from: END - 365 * DAY,
          to: END,
          resolution: '1h',
          aggregate: 'last',
          groupBy: ['site', 'device', 'source'],
        }),
    ],
  ];
  console.log(`\n| figure | p50 ms | p95 ms | p95 CPU ms |\n| --- | ---: | ---: | ---: |`);
  for (const [name, run] of cases) {
    await run();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const cpuBefore = process.cpuUsage();
      const before = performance.now();
      await run();
      wall.push(performance.now() - before);
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / 1000);
    }
    wall.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const f = (n: number) => n.toFixed(n < 10 ? 2 : 1);
    console.log(
      `| ${name} | ${f(percentile(wall, 50))} | ${f(percentile(wall, 95))} | ${f(percentile(cpu, 95))} |`,
    );
  }
  console.log(
    `\nload average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, Node ${process.version}`,
  );
  await store.close();
  await database.close();
}

/** A reading per meter every STEP for DAYS days before END, each meter at a steady power. */
async function writeYear(store: EmbeddedStore): Promise<void> {
  const start = END - DAYS * DAY;
  const written = performance.now();
  let batch: Point[] = [];
  let points = 0;
  for (let t = start; t < END; t += STEP) {
    for (let i = 0; i < METERS; i++) {
      const kw = 0.5 + (i % 7) * 0.25;
      batch.push({
        measurement: 'energy',
        tags: { site: `site-${i % 10}`, device: 'meters', source: `m-${i}` },
        fields: {
          energy_import_kwh: 1_000 * i + (kw * (t - start)) / 3_600_000,
          power_w: kw * 1000,
        },
        time: t + 7_000,
      });
    }
    if (batch.length >= 5_000) {
      await store.write(batch);
      points += batch.length;
      batch = [];
    }
  }
  await store.write(batch);
  points += batch.length;
  const seconds = ((performance.now() - written) / 1000).toFixed(0);
  console.log(
    `wrote ${points.toLocaleString('en')} points (${METERS} meters × ${DAYS} days, one per ${STEP / 60_000} min) in ${seconds} s`,
  );
}

main()
  .finally(() => {
    if (args.data === undefined) rmSync(dir, { recursive: true, force: true });
    rmSync(rolesDir, { recursive: true, force: true });
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
