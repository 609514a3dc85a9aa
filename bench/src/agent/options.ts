import { benchFlags, benchUsage, parseBenchFlags } from '../bench-flags.js';

/** Everything one run of `npm run bench:agent` does, parsed once from flags and environment. */
export interface AgentBenchOptions {
  readonly quick: boolean;
  /** Seconds each agent runs, untimed, before its samples (start-up, JIT, first polls). */
  readonly warmupSeconds: number;
  /** Seconds each agent is sampled. */
  readonly seconds: number;
  /** Milliseconds between two samples. */
  readonly intervalMs: number;
  /** Flags given to `node` before the CLI's entry (none by default: as a box runs it). */
  readonly nodeFlags: readonly string[];
  /** Markdown file whose `bench:agent` section is replaced, or null to leave docs alone. */
  readonly docPath: string | null;
}

const splitFlags = (text: string) => text.split(/\s+/).filter((f) => f !== '');

/** The flags of `npm run bench:agent`. */
export const AGENT_FLAGS = benchFlags({
  name: 'bench:agent',
  quick: '10 s warm-up and 20 s sampled per agent',
  flags: {
    seconds: {
      type: 'number',
      default: 120,
      quick: 20,
      min: 5,
      max: 3_600,
      help: 'seconds each agent is sampled (default 120)',
    },
    warmup: {
      type: 'number',
      default: 30,
      quick: 10,
      min: 0,
      max: 3_600,
      help: 'seconds each agent runs before its samples (default 30)',
    },
    'interval-ms': {
      type: 'number',
      default: 1_000,
      min: 100,
      max: 60_000,
      help: 'milliseconds between two samples (default 1000)',
    },
    'node-flags': {
      type: 'text',
      placeholder: '"FLAGS"',
      default: '',
      help: 'flags for the agents\' node, e.g. "--max-old-space-size=64" (default none)',
      check: (text) => {
        const wrong = splitFlags(text).filter((f) => !f.startsWith('-'));
        return wrong.length === 0 ? null : `expected node flags, got ${wrong.join(' ')}`;
      },
    },
  },
  check: (v) =>
    v['interval-ms'] > v.seconds * 1_000
      ? [`--interval-ms: at most the sampled time (${v.seconds * 1_000}), got ${v['interval-ms']}`]
      : [],
  note:
    "The agents run the built CLI, as a site's box runs it (`node cli/bin/hameau.js agent\n" +
    '--config site.yaml`): run `npm run build` first.',
});

export const USAGE = benchUsage(AGENT_FLAGS);

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseAgentOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): AgentBenchOptions | 'help' {
  const parsed = parseBenchFlags(AGENT_FLAGS, argv, env, defaultDocPath);
  if (parsed === 'help') return parsed;
  const { quick, docPath, values } = parsed;
  return {
    quick,
    warmupSeconds: values.warmup,
    seconds: values.seconds,
    intervalMs: values['interval-ms'],
    nodeFlags: splitFlags(values['node-flags']),
    docPath,
  };
}
