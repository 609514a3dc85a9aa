import { resolve } from 'node:path';
import { brokerConfigFromEnv } from '@hameau/broker';
import { apiConfigFromEnv } from '@hameau/cloud-api';
import { portSettings } from '../demo/demo-ports.js';
import { printDemoTown } from '../demo/demo-printout.js';
import { startDemoTown } from '../demo/demo-town.js';
import { DEMO_BANKS } from '../demo/demo-town-plan.js';
import { envSetting } from '../env-setting.js';
import { cliActor } from '../identities/cli-actor.js';
import type { CliIo, ExitCode } from '../io.js';
import { untilSignal } from '../io.js';

/**
 * Ports of the demo town. They differ from the standard ones (1883, 9001, 8080, 8090) so the
 * demo starts beside a broker or API the machine may already run; each one's variable moves it
 * (0 picks a free port).
 */
export const DEMO_PORTS = {
  HAMEAU_MQTT_PORT: '18830',
  HAMEAU_MQTT_WS_PORT: '18831',
  HAMEAU_BROKER_HTTP_PORT: '18832',
  HAMEAU_API_PORT: '18080',
} as const;

/** The kiosk page of each bank: its variable and default port. */
export const DEMO_KIOSK_PORTS: Readonly<Record<string, number>> = Object.fromEntries(
  DEMO_BANKS.map((b) => [b.kioskPortVariable, b.kioskPort]),
);

/** The demo's registry, admin token and data; HAMEAU_DATA_DIR moves them. */
export const DEMO_DATA_DIR = './data/demo';

/**
 * `hameau start`: the whole demo town on embedded defaults, in this process (docs/demo-town.md):
 * the broker and the API on one SQLite registry, the simulated devices of
 * `firmware-sim/scenarios/demo-town.yaml`, an edge agent per site, and demo data. Every device
 * gets a fresh password at each start, printed with the town's addresses and the pickup codes
 * of the parcels waiting. Ctrl-C (or SIGTERM) stops the agents, the simulators, the API and
 * the broker, in that order; a second Ctrl-C exits at once.
 */
export async function startCommand(_argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const dataDir = resolve(envSetting(io.env, 'HAMEAU_DATA_DIR') ?? DEMO_DATA_DIR);
  // The demo never writes to a real deployment's database: its registry is its own file.
  const { DATABASE_URL: ignoredDatabaseUrl, ...userEnv } = io.env;
  if (ignoredDatabaseUrl)
    io.err('note: the demo town ignores DATABASE_URL (its registry is SQLite)');
  const env: NodeJS.ProcessEnv = {
    ...DEMO_PORTS,
    HAMEAU_MQTT_HOST: '127.0.0.1',
    HAMEAU_API_HOST: '127.0.0.1',
    ...userEnv,
    HAMEAU_DATA_DIR: dataDir,
    HAMEAU_BROKER_CREDENTIALS: 'registry',
  };
  // Every config is parsed before anything starts, so every bad variable is reported at once.
  const town = await startDemoTown({
    dataDir,
    broker: brokerConfigFromEnv(env),
    api: apiConfigFromEnv(env),
    kioskPorts: portSettings(env, DEMO_KIOSK_PORTS),
    // Four agents, a broker, an API and simulators all log here: only what needs a look.
    logLevel: envSetting(env, 'HAMEAU_LOG_LEVEL') ?? 'warn',
    actor: cliActor(env),
  });
  printDemoTown(io, town.printout);

  const signal = await (io.stopSignal ?? untilSignal());
  const release = io.stopSignal === undefined ? forceOnSecondSignal(io) : () => undefined;
  io.out(`${signal}: stopping the demo town`);
  try {
    await town.stop();
  } finally {
    release();
  }
  return 0;
}

/** A second Ctrl-C while stopping exits at once (a stop that hangs must not trap the user). */
function forceOnSecondSignal(io: CliIo): () => void {
  const force = (signal: NodeJS.Signals) => {
    io.err(`${signal} again: exiting without waiting for the demo town to stop`);
    process.exit(130);
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  return () => {
    process.off('SIGINT', force);
    process.off('SIGTERM', force);
  };
}
