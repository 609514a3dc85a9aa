import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  brokerConfigFromEnv,
  describeCredentialSource,
  startBroker,
  type BrokerConfig,
  type RunningBroker,
} from '@hameau/broker';
import {
  apiConfigFromEnv,
  databaseConfigOf,
  parseApiConfig,
  startApiServer,
  type ApiConfig,
  type RunningApi,
} from '@hameau/cloud-api';
import { systemClock } from '@hameau/protocol';
import { pino } from 'pino';
import { provisionDemoTown, type DemoCredentials } from '../demo/provision-demo-town.js';
import { envSetting } from '../env-setting.js';
import { cliActor } from '../identities/cli-actor.js';
import type { CliIo, ExitCode } from '../io.js';
import { untilSignal } from '../io.js';

/**
 * Ports of the demo town. They differ from the standard ones (1883, 9001, 8080) so the demo
 * starts beside a broker or API the machine may already run; each one's variable moves it
 * (0 picks a free port).
 */
export const DEMO_PORTS = {
  HAMEAU_MQTT_PORT: '18830',
  HAMEAU_MQTT_WS_PORT: '18831',
  HAMEAU_BROKER_HTTP_PORT: '18832',
  HAMEAU_API_PORT: '18080',
} as const;

/** The demo's registry, admin token and data; HAMEAU_DATA_DIR moves them. */
export const DEMO_DATA_DIR = './data/demo';

/**
 * `hameau start`: the demo town on embedded defaults. The broker and the API share one registry,
 * `<data dir>/hameau.sqlite`; the demo's devices are registered in it through the API's services
 * and get a fresh password at every start (rotated, see `provisionDemoTown`), printed because
 * they are the demo's. Stops on Ctrl-C or SIGTERM, the API first, then the broker.
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
  // Both configs are parsed before anything starts, so every bad variable is reported at once.
  const brokerConfig = brokerConfigFromEnv(env);
  const apiConfig = demoApiConfig(env);
  const level = env.HAMEAU_LOG_LEVEL ?? 'info';

  // The broker first: it needs no database, and a port in use then changes nothing. The API
  // starts last because it will connect to the broker as the `cloud` account provisioned here.
  const broker = await startBroker(brokerConfig, { log: pino({ name: 'broker', level }) });
  let credentials: DemoCredentials;
  let api: RunningApi;
  try {
    credentials = await provisionDemoTown({
      database: databaseConfigOf(apiConfig),
      clock: systemClock,
      log: pino({ name: 'demo', level }),
      actor: cliActor(env),
    });
    api = await startApiServer(
      withBroker(apiConfig, `mqtt://127.0.0.1:${broker.mqtt.port}`, credentials.cloud.password),
      { log: pino({ name: 'cloud-api', level }) },
    );
  } catch (err) {
    await broker.close();
    throw err;
  }

  printDemo(io, { brokerConfig, broker, apiConfig, apiUrl: api.url, credentials });
  const signal = await (io.stopSignal ?? untilSignal());
  io.out(`${signal}: stopping the demo town`);
  try {
    await api.close();
  } finally {
    await broker.close();
  }
  return 0;
}

/** The demo API's configuration, from the environment (parsed before anything starts). */
function demoApiConfig(env: NodeJS.ProcessEnv): ApiConfig {
  return apiConfigFromEnv(env);
}

/** The API ingests from the demo's own broker, as the `cloud` account just provisioned. */
function withBroker(config: ApiConfig, url: string, password: string): ApiConfig {
  return parseApiConfig({ ...config, mqtt: { ...config.mqtt, url, password } }, 'demo API config');
}

function printDemo(
  io: CliIo,
  demo: {
    readonly brokerConfig: BrokerConfig;
    readonly broker: RunningBroker;
    readonly apiConfig: ApiConfig;
    readonly apiUrl: string;
    readonly credentials: DemoCredentials;
  },
): void {
  const { brokerConfig: config, broker, apiConfig, apiUrl, credentials } = demo;
  const tokenFile = apiConfig.adminTokenFile;
  io.out('');
  io.out('Hameau demo town');
  io.out(
    `  MQTT broker      mqtt://${config.host}:${broker.mqtt.port}` +
      (broker.ws ? `  (WebSocket ws://${config.host}:${broker.ws.port})` : ''),
  );
  if (broker.http)
    io.out(`  Broker health    http://${config.host}:${broker.http.port}/healthz  and /metrics`);
  io.out(`  Cloud API        ${apiUrl}  (OpenAPI at ${apiUrl}/docs)`);
  io.out(
    `  Admin token      in ${tokenFile}` +
      (existsSync(tokenFile) ? '' : ' (written at the first start only; it was since deleted)'),
  );
  io.out(`  Accounts         ${describeCredentialSource(config)}`);
  io.out('  Demo credentials (new for this run; the previous ones no longer work):');
  for (const a of [credentials.cloud, ...credentials.devices])
    io.out(`    ${a.username.padEnd(18)} ${a.password}`);
  io.out('Press Ctrl-C to stop.');
}
