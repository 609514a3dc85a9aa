import { parseArgs } from 'node:util';
import { docPathOf } from '../option-rules.js';
import { ConfigError } from '@hameau/protocol';

/** Everything one run of `npm run bench:locker` does, parsed once from flags and environment. */
export interface LockerBenchOptions {
  readonly quick: boolean;
  /** Timed samples of each of the four measurements. */
  readonly samples: number;
  /** Untimed samples before each measurement (connections, JIT, first SQLite pages). */
  readonly warmup: number;
  /** Lock boards on the bus, 16 boxes each. */
  readonly boards: number;
  /** Markdown file whose `bench:locker` section is replaced, or null to leave docs alone. */
  readonly docPath: string | null;
}

/**
 * Remote unlocks a bank may take in 24 h at most (`remoteUnlock.maxPerDay` of the locker
 * config): the remote measurement, warm-up included, has to fit under it.
 */
export const MAX_REMOTE_UNLOCKS = 10_000;

export const USAGE = `npm run bench:locker -- [options]

  --quick               40 samples each, 5 untimed (iterating; docs untouched)
  --samples=N           timed samples of each measurement (default 300)
  --warmup=N            untimed samples before each measurement (default 10)
  --boards=N            lock boards on the bus, 16 boxes each (default 2)
  --write / --no-write  update docs/benchmarks.md (default: full runs write, quick runs do not)

  HAMEAU_BENCH_QUICK=1 is the same as --quick.

  Remote unlocks are capped at 60 a minute (the most the locker config allows), so the remote
  measurement of a full run takes about N / 60 minutes.`;

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseLockerOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): LockerBenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      samples: { type: 'string' },
      warmup: { type: 'string' },
      boards: { type: 'string' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
    },
  });
  if (values.help === true) return 'help';
  const problems: string[] = [];
  const quick = values.quick === true || env['HAMEAU_BENCH_QUICK'] === '1';

  const int = (
    name: string,
    raw: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      problems.push(`--${name}: expected a whole number ${min}-${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };

  const samples = int('samples', values.samples, quick ? 40 : 300, 1, MAX_REMOTE_UNLOCKS);
  const warmup = int('warmup', values.warmup, quick ? 5 : 10, 0, 1_000);
  if (samples + warmup > MAX_REMOTE_UNLOCKS) {
    problems.push(
      `--samples and --warmup: ${samples + warmup} remote unlocks exceed the daily cap of ${MAX_REMOTE_UNLOCKS}`,
    );
  }
  const boards = int('boards', values.boards, 2, 1, 16);
  const docPath = docPathOf(values, quick, defaultDocPath, problems);
  if (problems.length > 0) throw new ConfigError('bench:locker options', problems);

  return { quick, samples, warmup, boards, docPath };
}
