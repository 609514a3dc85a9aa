import { parseArgs } from 'node:util';
import { docPathOf } from '../option-rules.js';
import { ConfigError } from '@hameau/protocol';

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

export const USAGE = `npm run bench:modbus -- [options]

  --quick               2 s warm-up, 5 s windows (iterating; docs untouched)
  --cases=a,b           of ${CASE_GROUPS.join(',')} (default: all; bare needs rtu)
  --bauds=a,b           RTU line speeds (default 9600,19200)
  --meters=N            answering SDM630s on the RTU bus (default 4)
  --turnaround=MS       the simulated meters' turnaround (default 2)
  --tcp-meters=N        meters over Modbus TCP (default 50)
  --gateway-size=N      meters behind each gateway in the gateways case (default 10)
  --duration=S          timed seconds per case (default 20)
  --warmup=S            untimed seconds before each window (default 5)
  --write / --no-write  update docs/benchmarks.md (default: full runs write, quick runs do not)

  HAMEAU_BENCH_QUICK=1 is the same as --quick.`;

/** Parses flags and environment, listing every problem at once; throws a `ConfigError`. */
export function parseModbusOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDocPath: string,
): ModbusBenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      cases: { type: 'string' },
      bauds: { type: 'string' },
      meters: { type: 'string' },
      turnaround: { type: 'string' },
      'tcp-meters': { type: 'string' },
      'gateway-size': { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean' },
    },
  });
  if (values.help === true) return 'help';
  const problems: string[] = [];
  const quick = values.quick === true || env['HAMEAU_BENCH_QUICK'] === '1';

  const number = (
    name: string,
    raw: string | undefined,
    fallback: number,
    min: number,
    max: number,
    integer = true,
  ): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      problems.push(`--${name}: expected a ${integer ? 'whole ' : ''}number, got "${raw}"`);
      return fallback;
    }
    if (n < min || n > max) {
      problems.push(`--${name}: expected ${min}-${max}, got ${raw}`);
      return fallback;
    }
    return n;
  };

  let groups: CaseGroup[] = [...CASE_GROUPS];
  if (values.cases !== undefined) {
    const picked = values.cases.split(',').map((s) => s.trim());
    const unknown = picked.filter((s) => !(CASE_GROUPS as readonly string[]).includes(s));
    if (unknown.length > 0) {
      problems.push(`--cases: expected some of ${CASE_GROUPS.join(',')}, got "${values.cases}"`);
    } else {
      groups = CASE_GROUPS.filter((g) => picked.includes(g));
    }
  }
  if (groups.includes('bare') && !groups.includes('rtu')) {
    problems.push('--cases: bare reads the plan the agent used in rtu; add rtu');
  }

  let bauds = [9_600, 19_200];
  if (values.bauds !== undefined) {
    const parsed = values.bauds.split(',').map((s) => Number(s.trim()));
    if (parsed.some((b) => !Number.isInteger(b) || b < 1_200 || b > 115_200)) {
      problems.push(`--bauds: expected line speeds of 1200-115200, got "${values.bauds}"`);
    } else {
      bauds = [...new Set(parsed)];
    }
  }

  const rtuMeters = number('meters', values.meters, 4, 1, 200);
  const turnaroundMs = number('turnaround', values.turnaround, 2, 0, 1_000, false);
  const tcpMeters = number('tcp-meters', values['tcp-meters'], 50, 1, 1_000);
  const gatewaySize = number('gateway-size', values['gateway-size'], 10, 1, 247);
  const duration = number('duration', values.duration, quick ? 5 : 20, 1, 3_600);
  const warmup = number('warmup', values.warmup, quick ? 2 : 5, 0, 3_600);
  const docPath = docPathOf(values, quick, defaultDocPath, problems);
  if (problems.length > 0) throw new ConfigError('bench:modbus options', problems);

  return {
    quick,
    groups,
    bauds,
    rtuMeters,
    turnaroundMs,
    tcpMeters,
    gatewaySize,
    warmupMs: warmup * 1_000,
    durationMs: duration * 1_000,
    docPath,
  };
}
