import { parseArgs } from 'node:util';
import { ConfigError } from '@hameau/protocol';
import { docPathOf, wholeNumberReader } from '../option-rules.js';
import type { DatasetSpec } from './town-dataset.js';

/** The two halves of the bench. */
export const PARTS = ['series', 'live'] as const;
export type Part = (typeof PARTS)[number];

/** Part A: the dashboard's series queries on a year of readings. */
export interface SeriesBenchOptions {
  readonly dataset: DatasetSpec;
  /** Timed calls per query shape and store, after the warm-up. */
  readonly runs: number;
  /** Where loaded datasets are kept between runs, one folder per size. */
  readonly cacheDir: string;
  /** Load again even when the cache holds the dataset. */
  readonly reload: boolean;
  /** Also load and time InfluxDB. */
  readonly influx: boolean;
  readonly embeddedBatch: number;
  readonly influxBatch: number;
  readonly influxConcurrency: number;
}

/** Part B: live viewers of the public feed. */
export interface LiveBenchOptions {
  /** Concurrent SSE viewers in the main case (the baseline has one). */
  readonly viewers: number;
  /** Meters agents publishing. */
  readonly devices: number;
  /** Readings per second across the agents, sent evenly. */
  readonly ratePerSecond: number;
  /** Seconds of publishing per case, after a warm-up. */
  readonly seconds: number;
  /** Viewers connecting at a time. */
  readonly connectBatch: number;
}

/** Everything one run of `npm run bench:dashboard` does, parsed once from flags and environment. */
export interface DashboardBenchOptions {
  readonly quick: boolean;
  readonly parts: readonly Part[];
  readonly series: SeriesBenchOptions;
  readonly live: LiveBenchOptions;
  /** Markdown file whose `bench:dashboard` section is replaced, or null to leave docs alone. */
  readonly docPath: string | null;
}

export const USAGE = `npm run bench:dashboard -- [options]

  --quick               5 meters × 30 days, 10 runs; 100 viewers for 10 s (iterating; docs
                        untouched)
  --parts=a,b           of ${PARTS.join(',')} (default: both)

  Series queries (part A):
  --meters=N            meters in the dataset (default 50)
  --days=N              days of 1-minute readings up to the dataset's end (default 365)
  --runs=N              timed calls per query and store (default 30)
  --no-influx           time the embedded store alone
  --cache-dir=DIR       where loaded datasets are kept between runs
                        (default data/bench-dashboard, one folder per size)
  --reload              load the stores again even if the cache has the dataset

  Live viewers (part B):
  --viewers=N           concurrent SSE viewers (default 1000; the baseline has 1)
  --devices=N           meters agents publishing, the first carrying the marker meter
                        (default 5)
  --rate=N              readings per second across the agents (default 20)
  --seconds=N           seconds of publishing per case (default 30)

  --write / --no-write  update docs/benchmarks.md (default: full runs write, quick runs do not)

  HAMEAU_BENCH_QUICK=1 is the same as --quick.`;

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseDashboardOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaults: { readonly docPath: string; readonly cacheDir: string },
): DashboardBenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      parts: { type: 'string' },
      meters: { type: 'string' },
      days: { type: 'string' },
      runs: { type: 'string' },
      'no-influx': { type: 'boolean' },
      'cache-dir': { type: 'string' },
      reload: { type: 'boolean' },
      viewers: { type: 'string' },
      devices: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
    },
  });
  if (values.help === true) return 'help';
  const problems: string[] = [];
  const quick = values.quick === true || env['HAMEAU_BENCH_QUICK'] === '1';
  const whole = wholeNumberReader(problems);

  let parts: Part[] = [...PARTS];
  if (values.parts !== undefined) {
    const picked = values.parts.split(',').map((s) => s.trim());
    if (picked.length === 0 || picked.some((p) => !(PARTS as readonly string[]).includes(p))) {
      problems.push(`--parts: expected some of ${PARTS.join(',')}, got "${values.parts}"`);
    } else {
      parts = PARTS.filter((p) => picked.includes(p));
    }
  }
  const meters = whole('meters', values.meters, quick ? 5 : 50, 1);
  const days = whole('days', values.days, quick ? 30 : 365, 1);
  if (days > 3_660) problems.push(`--days: at most 3660, got ${days}`);
  const runs = whole('runs', values.runs, quick ? 10 : 30, 1);
  const viewers = whole('viewers', values.viewers, quick ? 100 : 1_000, 1);
  const devices = whole('devices', values.devices, 5, 1);
  const ratePerSecond = whole('rate', values.rate, 20, 1);
  const seconds = whole('seconds', values.seconds, quick ? 10 : 30, 1);
  const docPath = docPathOf(values, quick, defaults.docPath, problems);
  if (problems.length > 0) throw new ConfigError('bench:dashboard options', problems);

  return {
    quick,
    parts,
    series: {
      dataset: { meters, days },
      runs,
      cacheDir: values['cache-dir'] ?? defaults.cacheDir,
      reload: values.reload === true,
      influx: values['no-influx'] !== true,
      // Ingestion's default batch (5,000 messages); InfluxDB's requests are 5,000 lines anyway.
      embeddedBatch: 5_000,
      influxBatch: 20_000,
      influxConcurrency: 3,
    },
    live: { viewers, devices, ratePerSecond, seconds, connectBatch: 100 },
    docPath,
  };
}
