import { parseArgs } from 'node:util';
import { docPathOf, wholeNumberReader } from '../option-rules.js';
import { ConfigError } from '@hameau/protocol';
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

export const USAGE = `npm run bench:broker -- [options]

  --quick               5,000 messages, 300 clients for 5 s (iterating; docs untouched)
  --targets=a,b         of aedes,hameau,mosquitto (default: all; aedes is the baseline)
  --loads=a,b           of throughput,fan-in (default: both)
  --messages=N          throughput: timed messages (default 50000)
  --window=N            throughput: publishes awaiting PUBACK (default 100)
  --clients=N           fan-in: clients, each publishing 1 msg/s (default 3000)
  --duration=S          fan-in: timed seconds after a warm-up (default 20)
  --warmup=S            fan-in: warm-up seconds (default 5)
  --mosquitto-url=URL   default mqtt://127.0.0.1:1883 (env HAMEAU_BENCH_MOSQUITTO_URL)
  --profile=DIR         run the Node brokers with --cpu-prof, profiles written to DIR
  --write / --no-write  update docs/benchmarks.md (default: full runs write, quick runs do not)

  HAMEAU_BENCH_QUICK=1 is the same as --quick.`;

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseBenchOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      targets: { type: 'string' },
      loads: { type: 'string' },
      messages: { type: 'string' },
      window: { type: 'string' },
      clients: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'mosquitto-url': { type: 'string' },
      profile: { type: 'string' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
    },
  });
  if (values.help === true) return 'help';
  const problems: string[] = [];
  const quick = values.quick === true || env['HAMEAU_BENCH_QUICK'] === '1';

  const int = wholeNumberReader(problems);
  const list = <T extends string>(
    name: string,
    raw: string | undefined,
    all: readonly T[],
  ): T[] => {
    if (raw === undefined) return [...all];
    const picked = raw.split(',').map((s) => s.trim());
    const unknown = picked.filter((s) => !(all as readonly string[]).includes(s));
    if (unknown.length > 0 || picked.length === 0) {
      problems.push(`--${name}: expected some of ${all.join(',')}, got "${raw}"`);
      return [...all];
    }
    // Keep the canonical order (baseline first) whatever order was typed.
    return all.filter((t) => picked.includes(t));
  };

  const targets = list('targets', values.targets, TARGET_NAMES);
  const loads = list('loads', values.loads, LOAD_NAMES);
  const messages = int('messages', values.messages, quick ? 5_000 : 50_000, 1);
  const window = int('window', values.window, 100, 1);
  if (window > MAX_BACKLOG) problems.push(`--window: at most ${MAX_BACKLOG}, got ${window}`);
  const clients = int('clients', values.clients, quick ? 300 : 3_000, 1);
  const duration = int('duration', values.duration, quick ? 5 : 20, 1);
  const warmup = int('warmup', values.warmup, quick ? 2 : 5, 0);
  const mosquittoUrl =
    values['mosquitto-url'] ?? env['HAMEAU_BENCH_MOSQUITTO_URL'] ?? 'mqtt://127.0.0.1:1883';
  if (!/^mqtt:\/\/[^/]+$/.test(mosquittoUrl.replace(/\/$/, ''))) {
    problems.push(`--mosquitto-url: expected mqtt://host[:port], got "${mosquittoUrl}"`);
  }
  const docPath = docPathOf(values, quick, defaultDocPath, problems);
  if (problems.length > 0) throw new ConfigError('bench:broker options', problems);

  return {
    quick,
    targets,
    loads,
    throughput: {
      messages,
      warmup: Math.max(1, Math.round(messages / 10)),
      window,
      maxBacklog: MAX_BACKLOG,
      stallMs: 30_000,
    },
    fanIn: {
      clients,
      ratePerClient: 1,
      warmupSeconds: warmup,
      durationSeconds: duration,
      connectBatch: 100,
      drainMs: 10_000,
    },
    connectionsPerSecond: 1_000_000,
    mosquittoUrl,
    docPath,
    profileDir: values.profile ?? null,
  };
}
