import { benchFlags, benchUsage, parseBenchFlags } from '../bench-flags.js';
import type { FanInOptions } from './fan-in-latency.js';
import { TARGET_NAMES, type TargetName } from './targets.js';
import type { ThroughputOptions } from './throughput.js';

export const LOAD_NAMES = ['throughput', 'fan-in'] as const;
export type LoadName = (typeof LOAD_NAMES)[number];

/** Everything one run of `npm run bench:broker` does, parsed once from flags and environment. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly targets: readonly TargetName[];
  readonly loads: readonly LoadName[];
  readonly throughput: ThroughputOptions;
  readonly fanIn: Omit<FanInOptions, 'log'>;
  /** Per-address connection rate and burst given to hameau: all clients are 127.0.0.1. */
  readonly connectionsPerSecond: number;
  readonly mosquittoUrl: string;
  /** Markdown file whose `bench:broker` section is replaced, or null to leave docs alone. */
  readonly docPath: string | null;
  readonly profileDir: string | null;
}

/** Undelivered messages at which the throughput publisher waits (see `ThroughputOptions`). */
const MAX_BACKLOG = 1_000;

/** The flags of `npm run bench:broker`. */
export const BROKER_FLAGS = benchFlags({
  name: 'bench:broker',
  quick: '5,000 messages, 300 clients for 5 s',
  flags: {
    targets: {
      type: 'some-of',
      of: TARGET_NAMES,
      help: 'of aedes,hameau,mosquitto (default: all; aedes is the baseline)',
    },
    loads: { type: 'some-of', of: LOAD_NAMES, help: 'of throughput,fan-in (default: both)' },
    messages: {
      type: 'number',
      default: 50_000,
      quick: 5_000,
      min: 1,
      help: 'throughput: timed messages (default 50000)',
    },
    window: {
      type: 'number',
      default: 100,
      min: 1,
      max: MAX_BACKLOG,
      help: 'throughput: publishes awaiting PUBACK (default 100)',
    },
    clients: {
      type: 'number',
      default: 3_000,
      quick: 300,
      min: 1,
      help: 'fan-in: clients, each publishing 1 msg/s (default 3000)',
    },
    duration: {
      type: 'number',
      placeholder: 'S',
      default: 20,
      quick: 5,
      min: 1,
      help: 'fan-in: timed seconds after a warm-up (default 20)',
    },
    warmup: {
      type: 'number',
      placeholder: 'S',
      default: 5,
      quick: 2,
      min: 0,
      help: 'fan-in: warm-up seconds (default 5)',
    },
    'mosquitto-url': {
      type: 'text',
      placeholder: 'URL',
      default: 'mqtt://127.0.0.1:1883',
      env: 'HAMEAU_BENCH_MOSQUITTO_URL',
      check: (url) =>
        /^mqtt:\/\/[^/]+$/.test(url.replace(/\/$/, ''))
          ? null
          : `expected mqtt://host[:port], got "${url}"`,
      help: 'default mqtt://127.0.0.1:1883 (env HAMEAU_BENCH_MOSQUITTO_URL)',
    },
    profile: {
      type: 'text',
      placeholder: 'DIR',
      help: 'run the Node brokers with --cpu-prof, profiles written to DIR',
    },
  },
});

export const USAGE = benchUsage(BROKER_FLAGS);

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseBenchOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): BenchOptions | 'help' {
  const parsed = parseBenchFlags(BROKER_FLAGS, argv, env, defaultDocPath);
  if (parsed === 'help') return parsed;
  const { quick, docPath, values: v } = parsed;
  return {
    quick,
    targets: v.targets,
    loads: v.loads,
    throughput: {
      messages: v.messages,
      warmup: Math.max(1, Math.round(v.messages / 10)),
      window: v.window,
      maxBacklog: MAX_BACKLOG,
      stallMs: 30_000,
    },
    fanIn: {
      clients: v.clients,
      ratePerClient: 1,
      warmupSeconds: v.warmup,
      durationSeconds: v.duration,
      connectBatch: 100,
      drainMs: 10_000,
    },
    connectionsPerSecond: 1_000_000,
    mosquittoUrl: v['mosquitto-url'],
    docPath,
    profileDir: v.profile,
  };
}
