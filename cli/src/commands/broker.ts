import { existsSync } from 'node:fs';
import {
  brokerConfigFromEnv,
  describeCredentialSource,
  registryPath,
  startBroker,
} from '@hameau/broker';
import { pino } from 'pino';
import type { CliIo, ExitCode } from '../io.js';
import { untilSignal } from '../io.js';

/** `hameau broker`: the MQTT broker, configured from the environment (see broker/README). */
export async function brokerCommand(_argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const config = brokerConfigFromEnv(io.env);
  const broker = await startBroker(config, {
    log: pino({ name: 'broker', level: io.env.HAMEAU_LOG_LEVEL ?? 'info' }),
  });
  io.out(
    `broker listening: mqtt ${config.tls ? 'mqtts' : 'mqtt'}://${config.host}:${broker.mqtt.port}` +
      (broker.ws ? `, websocket on port ${broker.ws.port}` : '') +
      (broker.http ? `, health on http://${config.host}:${broker.http.port}/healthz` : ''),
  );
  io.out(`accounts: ${describeCredentialSource(config)}`);
  const registry = registryPath(config);
  if (
    config.credentials === 'registry' &&
    config.databaseUrl === undefined &&
    !existsSync(registry)
  ) {
    // Not fatal: the API may start after the broker. Until the file exists, clients are told
    // "server unavailable" and retry; the first CONNECT after it appears is served.
    io.err(
      `warning: ${registry} does not exist yet, so no client can connect until the API ` +
        '(`hameau api`) or `hameau device add` creates it with the same data dir',
    );
  }
  const signal = await (io.stopSignal ?? untilSignal());
  io.out(`${signal}: stopping broker`);
  await broker.close();
  return 0;
}
