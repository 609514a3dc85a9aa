import { benchFlags, benchUsage, parseBenchFlags } from '../bench-flags.js';

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

/** The flags of `npm run bench:locker`. */
export const LOCKER_FLAGS = benchFlags({
  name: 'bench:locker',
  quick: '40 samples each, 5 untimed',
  flags: {
    samples: {
      type: 'number',
      default: 300,
      quick: 40,
      min: 1,
      max: MAX_REMOTE_UNLOCKS,
      help: 'timed samples of each measurement (default 300)',
    },
    warmup: {
      type: 'number',
      default: 10,
      quick: 5,
      min: 0,
      max: 1_000,
      help: 'untimed samples before each measurement (default 10)',
    },
    boards: {
      type: 'number',
      default: 2,
      min: 1,
      max: 16,
      help: 'lock boards on the bus, 16 boxes each (default 2)',
    },
  },
  check: ({ samples, warmup }) =>
    samples + warmup > MAX_REMOTE_UNLOCKS
      ? [
          `--samples and --warmup: ${samples + warmup} remote unlocks exceed the daily cap of ${MAX_REMOTE_UNLOCKS}`,
        ]
      : [],
  note:
    'Remote unlocks are capped at 60 a minute (the most the locker config allows), so the remote\n' +
    'measurement of a full run takes about N / 60 minutes.',
});

export const USAGE = benchUsage(LOCKER_FLAGS);

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseLockerOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): LockerBenchOptions | 'help' {
  const parsed = parseBenchFlags(LOCKER_FLAGS, argv, env, defaultDocPath);
  if (parsed === 'help') return parsed;
  const { quick, docPath, values } = parsed;
  return { quick, ...values, docPath };
}
