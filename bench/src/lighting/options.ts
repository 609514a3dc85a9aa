import { parseArgs } from 'node:util';
import { ConfigError } from '@hameau/protocol';
import { docPathOf, wholeNumberReader } from '../option-rules.js';

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

export const USAGE = `npm run bench:lighting -- [options]

  --quick               a month (31 days), one round, 20 overrides (iterating; docs untouched)
  --zones=N             zones decided each minute (default 50)
  --days=N              simulated days from 1 January (default 365: a year)
  --rounds=N            rounds of (sun-only baseline, real controller); median reported (default 3)
  --year=N              the simulated year (default 2026)
  --overrides=N         timed overrides, API → lamp node register (default 80; quick 20;
                        0 leaves the latency out); the two floors take as many samples
  --warmup=N            untimed samples of each latency path first (default 5)
  --write / --no-write  update docs/benchmarks.md (default: full runs write, quick runs do not)

  HAMEAU_BENCH_QUICK=1 is the same as --quick.`;

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseLightingOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): LightingBenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      zones: { type: 'string' },
      days: { type: 'string' },
      rounds: { type: 'string' },
      year: { type: 'string' },
      overrides: { type: 'string' },
      warmup: { type: 'string' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
    },
  });
  if (values.help === true) return 'help';
  const problems: string[] = [];
  const quick = values.quick === true || env['HAMEAU_BENCH_QUICK'] === '1';
  const whole = wholeNumberReader(problems);
  const zones = whole('zones', values.zones, 50, 1);
  const days = whole('days', values.days, quick ? 31 : 365, 1);
  const rounds = whole('rounds', values.rounds, quick ? 1 : 3, 1);
  const year = whole('year', values.year, 2026, 1971);
  const overrides = whole('overrides', values.overrides, quick ? 20 : 80, 0);
  const warmup = whole('warmup', values.warmup, 5, 0);
  if (overrides > 1000) problems.push(`--overrides: at most 1000, got ${overrides}`);
  if (days > 3660) problems.push(`--days: at most 3660, got ${days}`);
  if (year > 9999) problems.push(`--year: at most 9999, got ${year}`);
  const docPath = docPathOf(values, quick, defaultDocPath, problems);
  if (problems.length > 0) throw new ConfigError('bench:lighting options', problems);
  return { quick, zones, days, rounds, year, overrides, warmup, docPath };
}
