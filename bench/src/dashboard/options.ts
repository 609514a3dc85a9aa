import { benchFlags, benchUsage, parseBenchFlags } from '../bench-flags.js';
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

/** The flags of `npm run bench:dashboard`. */
export const DASHBOARD_FLAGS = benchFlags({
  name: 'bench:dashboard',
  quick: '5 meters × 30 days, 10 runs; 100 viewers for 10 s',
  flags: {
    parts: { type: 'some-of', of: PARTS, help: `of ${PARTS.join(',')} (default: both)` },
    meters: {
      type: 'number',
      heading: 'Series queries (part A):',
      default: 50,
      quick: 5,
      min: 1,
      help: 'meters in the dataset (default 50)',
    },
    days: {
      type: 'number',
      default: 365,
      quick: 30,
      min: 1,
      max: 3_660,
      help: "days of 1-minute readings up to the dataset's end (default 365)",
    },
    runs: {
      type: 'number',
      default: 30,
      quick: 10,
      min: 1,
      help: 'timed calls per query and store (default 30)',
    },
    'no-influx': { type: 'switch', help: 'time the embedded store alone' },
    'cache-dir': {
      type: 'text',
      placeholder: 'DIR',
      help: 'where loaded datasets are kept between runs\n(default data/bench-dashboard, one folder per size)',
    },
    reload: { type: 'switch', help: 'load the stores again even if the cache has the dataset' },
    viewers: {
      type: 'number',
      heading: 'Live viewers (part B):',
      default: 1_000,
      quick: 100,
      min: 1,
      help: 'concurrent SSE viewers (default 1000; the baseline has 1)',
    },
    devices: {
      type: 'number',
      default: 5,
      min: 1,
      help: 'meters agents publishing, the first carrying the marker meter\n(default 5)',
    },
    rate: {
      type: 'number',
      default: 20,
      min: 1,
      help: 'readings per second across the agents (default 20)',
    },
    seconds: {
      type: 'number',
      default: 30,
      quick: 10,
      min: 1,
      help: 'seconds of publishing per case (default 30)',
    },
  },
});

export const USAGE = benchUsage(DASHBOARD_FLAGS);

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseDashboardOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaults: { readonly docPath: string; readonly cacheDir: string },
): DashboardBenchOptions | 'help' {
  const parsed = parseBenchFlags(DASHBOARD_FLAGS, argv, env, defaults.docPath);
  if (parsed === 'help') return parsed;
  const { quick, docPath, values: v } = parsed;
  return {
    quick,
    parts: v.parts,
    series: {
      dataset: { meters: v.meters, days: v.days },
      runs: v.runs,
      cacheDir: v['cache-dir'] ?? defaults.cacheDir,
      reload: v.reload,
      influx: !v['no-influx'],
      // Ingestion's default batch (5,000 messages); InfluxDB's requests are 5,000 lines anyway.
      embeddedBatch: 5_000,
      influxBatch: 20_000,
      influxConcurrency: 3,
    },
    live: {
      viewers: v.viewers,
      devices: v.devices,
      ratePerSecond: v.rate,
      seconds: v.seconds,
      connectBatch: 100,
    },
    docPath,
  };
}
