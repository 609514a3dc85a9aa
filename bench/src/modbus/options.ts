import { benchFlags, benchUsage, parseBenchFlags } from '../bench-flags.js';

/**
 * The groups of cases a run may pick: the agent on an RTU bus, bare modbus-serial on the same
 * bus (needs `rtu`, whose wire gives it the plan), the bus with a dead meter, 50 TCP meters each
 * on its own port, and the same behind gateways.
 */
export const CASE_GROUPS = ['rtu', 'bare', 'dead', 'tcp', 'gateways'] as const;
export type CaseGroup = (typeof CASE_GROUPS)[number];

/** Everything one run of `npm run bench:modbus` does, parsed once from flags and environment. */
export interface ModbusBenchOptions {
  readonly quick: boolean;
  readonly groups: readonly CaseGroup[];
  readonly bauds: readonly number[];
  /** Answering meters on the RTU bus. */
  readonly rtuMeters: number;
  /** The simulated meters' turnaround, ms. */
  readonly turnaroundMs: number;
  readonly tcpMeters: number;
  /** Meters behind each gateway in the `gateways` cases. */
  readonly gatewaySize: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Markdown file whose `bench:modbus` section is replaced, or null to leave docs alone. */
  readonly docPath: string | null;
}

/** The flags of `npm run bench:modbus`. */
export const MODBUS_FLAGS = benchFlags({
  name: 'bench:modbus',
  quick: '2 s warm-up, 5 s windows',
  flags: {
    cases: {
      type: 'some-of',
      of: CASE_GROUPS,
      help: `of ${CASE_GROUPS.join(',')} (default: all; bare needs rtu)`,
    },
    bauds: {
      type: 'numbers',
      default: [9_600, 19_200],
      min: 1_200,
      max: 115_200,
      help: 'RTU line speeds (default 9600,19200)',
    },
    meters: {
      type: 'number',
      default: 4,
      min: 1,
      max: 200,
      help: 'answering SDM630s on the RTU bus (default 4)',
    },
    turnaround: {
      type: 'number',
      placeholder: 'MS',
      default: 2,
      min: 0,
      max: 1_000,
      fraction: true,
      help: "the simulated meters' turnaround (default 2)",
    },
    'tcp-meters': {
      type: 'number',
      default: 50,
      min: 1,
      max: 1_000,
      help: 'meters over Modbus TCP (default 50)',
    },
    'gateway-size': {
      type: 'number',
      default: 10,
      min: 1,
      max: 247,
      help: 'meters behind each gateway in the gateways case (default 10)',
    },
    duration: {
      type: 'number',
      placeholder: 'S',
      default: 20,
      quick: 5,
      min: 1,
      max: 3_600,
      help: 'timed seconds per case (default 20)',
    },
    warmup: {
      type: 'number',
      placeholder: 'S',
      default: 5,
      quick: 2,
      min: 0,
      max: 3_600,
      help: 'untimed seconds before each window (default 5)',
    },
  },
  check: ({ cases }) =>
    cases.includes('bare') && !cases.includes('rtu')
      ? ['--cases: bare reads the plan the agent used in rtu; add rtu']
      : [],
});

export const USAGE = benchUsage(MODBUS_FLAGS);

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseModbusOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): ModbusBenchOptions | 'help' {
  const parsed = parseBenchFlags(MODBUS_FLAGS, argv, env, defaultDocPath);
  if (parsed === 'help') return parsed;
  const { quick, docPath, values: v } = parsed;
  return {
    quick,
    groups: v.cases,
    bauds: v.bauds,
    rtuMeters: v.meters,
    turnaroundMs: v.turnaround,
    tcpMeters: v['tcp-meters'],
    gatewaySize: v['gateway-size'],
    warmupMs: v.warmup * 1_000,
    durationMs: v.duration * 1_000,
    docPath,
  };
}
