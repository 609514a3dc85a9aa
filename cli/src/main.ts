import { HameauError } from '@hameau/protocol';
import { accountCommand } from './commands/account.js';
import { agentCommand } from './commands/agent.js';
import { apiCommand } from './commands/api.js';
import { brokerCommand } from './commands/broker.js';
import { deviceCommand } from './commands/device.js';
import { simLightingCommand } from './commands/sim-lighting.js';
import { startCommand } from './commands/start.js';
import { userCommand } from './commands/user.js';
import { simMain } from '@hameau/firmware-sim';
import type { CliIo, ExitCode } from './io.js';

const COMMANDS: Record<
  string,
  { summary: string; run: (argv: readonly string[], io: CliIo) => Promise<ExitCode> }
> = {
  start: {
    summary: 'run the demo town: broker, API, simulated devices and an agent per site',
    run: startCommand,
  },
  broker: { summary: 'run the MQTT broker (configured by HAMEAU_* variables)', run: brokerCommand },
  device: { summary: 'add, list or remove device identities in the registry', run: deviceCommand },
  account: { summary: 'add a cloud or observer service account', run: accountCommand },
  user: { summary: 'add, list or disable console users, reset a password', run: userCommand },
  api: { summary: 'run the cloud API (HAMEAU_API_*, DATABASE_URL)', run: apiCommand },
  agent: { summary: "run a site's edge agent (--config site.yaml)", run: agentCommand },
  sim: {
    summary:
      'run device simulators from a scenario file; `sim lighting`: a year of street lighting',
    // `sim lighting` is the cli's own; everything else is firmware-sim's.
    run: (argv, io) =>
      argv[0] === 'lighting' ? simLightingCommand(argv.slice(1), io) : simMain(argv, io),
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
