import { parseArgs } from 'node:util';
import { ConfigError, HameauError, systemClock, type Clock } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { builtinDeviceTypes, type DeviceRegistry } from '../device-registry.js';
import { Scenario } from '../scenario/scenario.js';
import { loadScenarioFile } from '../scenario/scenario-file.js';
import { formatEndpoint } from '../sim-device.js';
import { untilSignal } from './until-signal.js';

/**
 * Where `hameau sim` reads its environment and writes its output. The same shape as the CLI's
 * `CliIo` (apps do not import each other, so it is restated here).
 */
export interface SimIo {
  readonly env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the user asks the program to stop; SIGINT/SIGTERM when not given. */
  readonly stopSignal?: Promise<string>;
}

/** 0 success, 1 failure while running, 2 bad usage or configuration. */
export type SimExitCode = 0 | 1 | 2;

/** Test seams: the clock and device types (production uses the system clock and built-ins). */
export interface SimMainOptions {
  readonly clock?: Clock;
  readonly registry?: DeviceRegistry;
}

const USAGE = [
  'usage: hameau sim --scenario FILE   start every device of a scenario file until Ctrl-C',
  '       hameau sim --list            list the device types a scenario may use',
  'HAMEAU_SIM_SCENARIO gives the file when --scenario is absent; HAMEAU_LOG_LEVEL the log level.',
];

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** `hameau sim`: runs device simulators from a scenario file. Never throws. */
export async function simMain(
  argv: readonly string[],
  io: SimIo,
  options: SimMainOptions = {},
): Promise<SimExitCode> {
  const registry = options.registry ?? builtinDeviceTypes();
  let args: {
    scenario?: string | undefined;
    list?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        scenario: { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return usageError(io, err instanceof Error ? err.message : String(err));
  }
  if (args.help === true) {
    for (const line of USAGE) io.out(line);
    return 0;
  }
  const file = args.scenario ?? nonEmpty(io.env.HAMEAU_SIM_SCENARIO);
  if (args.list === true) {
    if (args.scenario !== undefined)
      return usageError(io, '--list and --scenario exclude each other');
    const width = Math.max(...registry.list().map((t) => t.type.length));
    for (const t of registry.list()) io.out(`${t.type.padEnd(width)}  ${t.summary}`);
    return 0;
  }
  if (file === undefined) return usageError(io, 'a scenario file is needed');

  let scenario: Scenario | undefined;
  try {
    const log = makeLogger(io);
    const plan = await loadScenarioFile(file, registry);
    scenario = new Scenario(plan, { clock: options.clock ?? systemClock, log });
    const devices = await scenario.start();
    const count = `${devices.length} device${devices.length === 1 ? '' : 's'}`;
    io.out(`scenario ${plan.name ?? file}: ${count} from ${file}`);
    for (const d of devices) {
      for (const e of d.endpoints) io.out(`device ${d.id} ${d.type} ${formatEndpoint(e)}`);
    }
    io.out('ready');
    const signal = await (io.stopSignal ?? untilSignal());
    io.out(`${signal}: stopping ${count}`);
    await scenario.stop();
    io.out('stopped');
    return 0;
  } catch (err) {
    await scenario?.stop().catch(() => undefined);
    if (err instanceof HameauError) {
      io.err(err.message);
      return err.code === 'CONFIG_INVALID' ? 2 : 1;
    }
    io.err(
      `hameau sim: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}

function usageError(io: SimIo, problem: string): 2 {
  io.err(`hameau sim: ${problem}`);
  for (const line of USAGE) io.err(line);
  return 2;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** JSON logs go to `io.err`, so stdout carries only the endpoint lines scripts read. */
function makeLogger(io: SimIo): Logger {
  const level = LogLevel.safeParse(io.env.HAMEAU_LOG_LEVEL ?? 'info');
  if (!level.success) {
    throw new ConfigError('environment', [
      `HAMEAU_LOG_LEVEL: must be one of ${LogLevel.options.join(', ')}`,
    ]);
  }
  return pino(
    { name: 'firmware-sim', level: level.data },
    {
      write(line: string) {
        io.err(line.endsWith('\n') ? line.slice(0, -1) : line);
      },
    },
  );
}
