import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  FileCredentialStore,
  brokerConfigFromEnv,
  credentialsPath,
  startBroker,
} from '@hameau/broker';
import type { DeviceKind } from '@hameau/protocol';
import { pino } from 'pino';
import type { CliIo, ExitCode } from '../io.js';
import { untilSignal } from '../io.js';

/**
 * Ports of the demo town. They differ from the standard ones (1883, 9001) so the demo starts
 * beside a broker the machine may already run; each one's variable moves it.
 */
export const DEMO_PORTS = {
  HAMEAU_MQTT_PORT: '18830',
  HAMEAU_MQTT_WS_PORT: '18831',
  HAMEAU_BROKER_HTTP_PORT: '18832',
} as const;

/** The demo town's devices. */
export const DEMO_DEVICES: readonly { site: string; device: string; kind: DeviceKind }[] = [
  { site: 'mairie', device: 'lockers', kind: 'locker' },
  { site: 'gare', device: 'lockers', kind: 'locker' },
  { site: 'mairie', device: 'meters', kind: 'meters' },
  { site: 'ville', device: 'lighting', kind: 'lighting' },
];

/**
 * `hameau start`: the demo town on embedded defaults. Its credentials are generated afresh at
 * every start (there are no default passwords) and printed, because they are the demo's.
 */
export async function startCommand(_argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const env: NodeJS.ProcessEnv = { ...DEMO_PORTS, HAMEAU_MQTT_HOST: '127.0.0.1', ...io.env };
  const dataDir = resolve(env.HAMEAU_DATA_DIR ?? './data/demo');
  const config = brokerConfigFromEnv({ ...env, HAMEAU_DATA_DIR: dataDir });

  rmSync(credentialsPath(config), { force: true });
  const store = new FileCredentialStore(join(dataDir, 'credentials.json'));
  const now = new Date();
  const accounts = [await store.add({ role: 'cloud', name: 'cloud' }, now)];
  for (const d of DEMO_DEVICES) accounts.push(await store.add({ role: 'device', ...d }, now));

  const broker = await startBroker(config, {
    log: pino({ name: 'broker', level: io.env.HAMEAU_LOG_LEVEL ?? 'info' }),
  });
  io.out('');
  io.out('Hameau demo town');
  io.out(
    `  MQTT broker      mqtt://${config.host}:${broker.mqtt.port}` +
      (broker.ws ? `  (WebSocket ws://${config.host}:${broker.ws.port})` : ''),
  );
  if (broker.http)
    io.out(`  Broker health    http://${config.host}:${broker.http.port}/healthz  and /metrics`);
  io.out('  Demo credentials (generated for this run):');
  for (const a of accounts) io.out(`    ${a.username.padEnd(18)} ${a.password}`);
  io.out('Press Ctrl-C to stop.');
  const signal = await (io.stopSignal ?? untilSignal());
  io.out(`${signal}: stopping the demo town`);
  await broker.close();
  return 0;
}
