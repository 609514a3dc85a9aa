import { HameauError } from '@hameau/protocol';
import type { CliIo, ExitCode } from './io.js';

// Each command's module is imported when that command runs, not before: `hameau agent` on a
// site's box would otherwise load the API, the broker and the simulators too, about 47 MB of
// RSS it never uses (docs/benchmarks.md, bench:agent).
const COMMANDS: Record<
  string,
  { summary: string; run: (argv: readonly string[], io: CliIo) => Promise<ExitCode> }
> = {
  start: {
    summary: 'run the demo town: broker, API, simulated devices and an agent per site',
    run: async (argv, io) => (await import('./commands/start.js')).startCommand(argv, io),
  },
  broker: {
    summary: 'run the MQTT broker (configured by HAMEAU_* variables)',
    run: async (argv, io) => (await import('./commands/broker.js')).brokerCommand(argv, io),
  },
  device: {
    summary: 'add, list or remove device identities in the registry',
    run: async (argv, io) => (await import('./commands/device.js')).deviceCommand(argv, io),
  },
  account: {
    summary: 'add a cloud or observer service account',
    run: async (argv, io) => (await import('./commands/account.js')).accountCommand(argv, io),
  },
  user: {
    summary: 'add, list or disable console users, reset a password',
    run: async (argv, io) => (await import('./commands/user.js')).userCommand(argv, io),
  },
  api: {
    summary: 'run the cloud API (HAMEAU_API_*, DATABASE_URL)',
    run: async (argv, io) => (await import('./commands/api.js')).apiCommand(argv, io),
  },
  agent: {
    summary: "run a site's edge agent (--config site.yaml)",
    run: async (argv, io) => (await import('./commands/agent.js')).agentCommand(argv, io),
  },
  sim: {
    summary:
      'run device simulators from a scenario file; `sim lighting`: a year of street lighting',
    // `sim lighting` is the cli's own; everything else is firmware-sim's.
    run: async (argv, io) =>
      argv[0] === 'lighting'
        ? (await import('./commands/sim-lighting.js')).simLightingCommand(argv.slice(1), io)
        : (await import('@hameau/firmware-sim')).simMain(argv, io),
  },
};

function usage(print: (line: string) => void): void {
  print('usage: hameau <command> [options]');
  for (const [name, c] of Object.entries(COMMANDS)) print(`  ${name.padEnd(8)} ${c.summary}`);
  print('');
  print('Device and account identities live in the cloud registry, which the API and the broker');
  print('share: PostgreSQL with DATABASE_URL, else <data dir>/hameau.sqlite (--data-dir, else');
  print('HAMEAU_DATA_DIR, else ./data). For a broker run without the API, start it with');
  print('HAMEAU_BROKER_CREDENTIALS=file and give `device`/`account` --credentials-file FILE.');
}

/** Errors that mean the user asked for something impossible, not that the program failed. */
const USAGE_ERRORS: ReadonlySet<string> = new Set([
  'CONFIG_INVALID',
  'CREDENTIAL_EXISTS',
  'DEVICE_EXISTS',
]);

/** Runs one `hameau` command; returns its exit code and never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    usage((line) => {
      io.out(line);
    });
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    usage((line) => {
      io.err(line);
    });
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof HameauError) {
      io.err(err.message);
      return USAGE_ERRORS.has(err.code) ? 2 : 1;
    }
    io.err(
      `hameau ${name ?? ''}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}
