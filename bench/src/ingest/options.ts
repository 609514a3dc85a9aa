import { parseArgs } from 'node:util';
import { docPathOf, wholeNumberReader } from '../option-rules.js';
import { ConfigError } from '@hameau/protocol';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.js';

/** Everything one run of `npm run bench:ingest` does, parsed once from flags and environment. */
export interface IngestBenchOptions {
  readonly quick: boolean;
  readonly scenarios: readonly ScenarioName[];
  /** Readings timed in each run (the paced one and the flat-out one), after the warm-up. */
  readonly messages: number;
  /** Untimed readings first: JIT, caches, ledger cursors, device status rows. */
  readonly warmup: number;
  /** The offered rate of the paced run, in messages per second across the fleet. */
  readonly ratePerSecond: number;
  /** Simulated meters agents, one MQTT connection and one registry device each. */
  readonly devices: number;
  /** Publishes each agent keeps awaiting PUBACK. */
  readonly window: number;
  /** Agents connecting at a time. */
  readonly connectBatch: number;
  /** No new stored reading for this long fails the run (lost or stuck). */
  readonly stallMs: number;
  /** Admin database of the PostgreSQL server the throw-away databases are created through. */
  readonly postgresUrl: string;
  /** Markdown file whose `bench:ingest` section is replaced, or null to leave docs alone. */
  readonly docPath: string | null;
  readonly profileDir: string | null;
}

export const USAGE = `npm run bench:ingest -- [options]

  --quick               10,000 readings per run from 20 agents (iterating; docs untouched)
  --scenarios=a,b       of ${SCENARIO_NAMES.join(',')}
                        (default: all)
  --messages=N          readings timed per run (default 100000)
  --rate=N              offered rate of the paced run, readings/s (default 20000)
  --devices=N           simulated meters agents (default 100)
  --window=N            publishes each agent keeps awaiting PUBACK (default 32, the
                        agent's MQTT link's)
  --postgres-url=URL    admin database for throw-away databases
                        (default postgres://postgres@127.0.0.1:5432/postgres,
                        env HAMEAU_BENCH_POSTGRES_URL)
  --profile=DIR         run the broker and API with --cpu-prof, profiles written to DIR
  --write / --no-write  update docs/benchmarks.md (default: full runs write, quick runs do not)

  HAMEAU_BENCH_QUICK=1 is the same as --quick.`;

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseIngestOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): IngestBenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      scenarios: { type: 'string' },
      messages: { type: 'string' },
      rate: { type: 'string' },
      devices: { type: 'string' },
      window: { type: 'string' },
      'postgres-url': { type: 'string' },
      profile: { type: 'string' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
    },
  });
  if (values.help === true) return 'help';
  const problems: string[] = [];
  const quick = values.quick === true || env['HAMEAU_BENCH_QUICK'] === '1';

  const int = wholeNumberReader(problems);

  let scenarios: ScenarioName[] = [...SCENARIO_NAMES];
  if (values.scenarios !== undefined) {
    const picked = values.scenarios.split(',').map((s) => s.trim());
    const unknown = picked.filter((s) => !(SCENARIO_NAMES as readonly string[]).includes(s));
    if (unknown.length > 0 || picked.length === 0) {
      problems.push(
        `--scenarios: expected some of ${SCENARIO_NAMES.join(',')}, got "${values.scenarios}"`,
      );
    } else {
      // Canonical order: end-to-end rows first, then the baselines they are compared with.
      scenarios = SCENARIO_NAMES.filter((s) => picked.includes(s));
    }
  }
  const messages = int('messages', values.messages, quick ? 10_000 : 100_000, 1);
  const ratePerSecond = int('rate', values.rate, 20_000, 1);
  const devices = int('devices', values.devices, quick ? 20 : 100, 1);
  const window = int('window', values.window, 32, 1);
  const postgresUrl =
    values['postgres-url'] ??
    env['HAMEAU_BENCH_POSTGRES_URL'] ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  if (!/^postgres(ql)?:\/\//.test(postgresUrl)) {
    problems.push('--postgres-url: expected postgres://user@host:port/database');
  }
  const docPath = docPathOf(values, quick, defaultDocPath, problems);
  if (problems.length > 0) throw new ConfigError('bench:ingest options', problems);

  return {
    quick,
    scenarios,
    messages,
    warmup: Math.max(1_000, Math.round(messages / 10)),
    ratePerSecond,
    devices,
    window,
    connectBatch: 20,
    stallMs: 30_000,
    postgresUrl,
    docPath,
    profileDir: values.profile ?? null,
  };
}
