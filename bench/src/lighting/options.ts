import { benchFlags, benchUsage, parseBenchFlags } from '../bench-flags.js';

/** Everything one run of `npm run bench:lighting` does, parsed once from flags and environment. */
export interface LightingBenchOptions {
  readonly quick: boolean;
  readonly zones: number;
  /** Simulated days from 1 January, one decision per zone per minute. */
  readonly days: number;
  /** Rounds of (baseline, controller); the tables give the median. */
  readonly rounds: number;
  /** The year the simulated days are in. */
  readonly year: number;
  /** Timed overrides through the API (0: the latency is left out); each floor takes as many. */
  readonly overrides: number;
  /** Untimed samples of each latency path first. */
  readonly warmup: number;
  /** Markdown file whose `bench:lighting` section is replaced, or null to leave docs alone. */
  readonly docPath: string | null;
}

/** The flags of `npm run bench:lighting`. */
export const LIGHTING_FLAGS = benchFlags({
  name: 'bench:lighting',
  quick: 'a month (31 days), one round, 20 overrides',
  flags: {
    zones: { type: 'number', default: 50, min: 1, help: 'zones decided each minute (default 50)' },
    days: {
      type: 'number',
      default: 365,
      quick: 31,
      min: 1,
      max: 3_660,
      help: 'simulated days from 1 January (default 365: a year)',
    },
    rounds: {
      type: 'number',
      default: 3,
      quick: 1,
      min: 1,
      help: 'rounds of (sun-only baseline, real controller); median reported (default 3)',
    },
    year: {
      type: 'number',
      default: 2026,
      min: 1971,
      max: 9_999,
      help: 'the simulated year (default 2026)',
    },
    overrides: {
      type: 'number',
      default: 80,
      quick: 20,
      min: 0,
      max: 1_000,
      help:
        'timed overrides, API → lamp node register (default 80; quick 20;\n' +
        '0 leaves the latency out); the two floors take as many samples',
    },
    warmup: {
      type: 'number',
      default: 5,
      min: 0,
      help: 'untimed samples of each latency path first (default 5)',
    },
  },
});

export const USAGE = benchUsage(LIGHTING_FLAGS);

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseLightingOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): LightingBenchOptions | 'help' {
  const parsed = parseBenchFlags(LIGHTING_FLAGS, argv, env, defaultDocPath);
  if (parsed === 'help') return parsed;
  const { quick, docPath, values } = parsed;
  return { quick, ...values, docPath };
}
