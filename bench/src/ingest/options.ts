import { benchFlags, benchUsage, parseBenchFlags } from '../bench-flags.js';
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

/** The flags of `npm run bench:ingest`. */
export const INGEST_FLAGS = benchFlags({
  name: 'bench:ingest',
  quick: '10,000 readings per run from 20 agents',
  flags: {
    // Canonical order: end-to-end rows first, then the baselines they are compared with.
    scenarios: {
      type: 'some-of',
      of: SCENARIO_NAMES,
      help: `of ${SCENARIO_NAMES.join(',')}\n(default: all)`,
    },
    messages: {
      type: 'number',
      default: 100_000,
      quick: 10_000,
      min: 1,
      help: 'readings timed per run (default 100000)',
    },
    rate: {
      type: 'number',
      default: 20_000,
      min: 1,
      help: 'offered rate of the paced run, readings/s (default 20000)',
    },
    devices: {
      type: 'number',
      default: 100,
      quick: 20,
      min: 1,
      help: 'simulated meters agents (default 100)',
    },
    window: {
      type: 'number',
      default: 32,
      min: 1,
      help: "publishes each agent keeps awaiting PUBACK (default 32, the\nagent's MQTT link's)",
    },
    'postgres-url': {
      type: 'text',
      placeholder: 'URL',
      default: 'postgres://postgres@127.0.0.1:5432/postgres',
      env: 'HAMEAU_BENCH_POSTGRES_URL',
      check: (url) =>
        /^postgres(ql)?:\/\//.test(url) ? null : 'expected postgres://user@host:port/database',
      help:
        'admin database for throw-away databases\n' +
        '(default postgres://postgres@127.0.0.1:5432/postgres,\nenv HAMEAU_BENCH_POSTGRES_URL)',
    },
    profile: {
      type: 'text',
      placeholder: 'DIR',
      help: 'run the broker and API with --cpu-prof, profiles written to DIR',
    },
  },
});

export const USAGE = benchUsage(INGEST_FLAGS);

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseIngestOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): IngestBenchOptions | 'help' {
  const parsed = parseBenchFlags(INGEST_FLAGS, argv, env, defaultDocPath);
  if (parsed === 'help') return parsed;
  const { quick, docPath, values: v } = parsed;
  return {
    quick,
    scenarios: v.scenarios,
    messages: v.messages,
    warmup: Math.max(1_000, Math.round(v.messages / 10)),
    ratePerSecond: v.rate,
    devices: v.devices,
    window: v.window,
    connectBatch: 20,
    stallMs: 30_000,
    postgresUrl: v['postgres-url'],
    docPath,
    profileDir: v.profile,
  };
}
