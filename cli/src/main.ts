import { HameauError } from '@hameau/protocol';
import { accountCommand } from './commands/account.js';
import { agentCommand } from './commands/agent.js';
import { apiCommand } from './commands/api.js';
import { brokerCommand } from './commands/broker.js';
import { deviceCommand } from './commands/device.js';
import { startCommand } from './commands/start.js';
import { simMain } from '@hameau/firmware-sim';
import type { CliIo, ExitCode } from './io.js';

const COMMANDS: Record<
  string,
  { summary: string; run: (argv: readonly string[], io: CliIo) => Promise<ExitCode> }
> = {
  start: { summary: 'run the demo town on embedded defaults', run: startCommand },
  broker: { summary: 'run the MQTT broker (configured by HAMEAU_* variables)', run: brokerCommand },
  device: { summary: 'add, list or remove device identities', run: deviceCommand },
  account: { summary: 'add a cloud or observer service account', run: accountCommand },
  api: { summary: 'run the cloud API (HAMEAU_API_*, DATABASE_URL)', run: apiCommand },
  agent: { summary: "run a site's edge agent (--config site.yaml)", run: agentCommand },
  sim: { summary: 'run device simulators from a scenario file', run: simMain },
};

function usage(io: CliIo): void {
  io.err('usage: hameau <command> [options]');
  for (const [name, c] of Object.entries(COMMANDS)) io.err(`  ${name.padEnd(8)} ${c.summary}`);
}

/** Runs one `hameau` command; returns its exit code and never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    usage(io);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof HameauError) {
      io.err(err.message);
      return err.code === 'CONFIG_INVALID' || err.code === 'CREDENTIAL_EXISTS' ? 2 : 1;
    }
    io.err(
      `hameau ${name ?? ''}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}
