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
  const log = pino({ name: 'broker', level: io.env.HAMEAU_LOG_LEVEL ?? 'info' });
  // aedes and aedes-persistence-redis fire some Redis commands without awaiting them; one that
  // fails (Redis restarting) must be logged, not take every device's connection down with it.
  const onUnhandled = (err: unknown) => {
    log.error({ err }, 'unhandled rejection in the broker (kept running)');
  };
  process.on('unhandledRejection', onUnhandled);
  const broker = await startBroker(config, { log });
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
  // The handler stays: commands fired without awaiting during the shutdown reject after close.
  await broker.close();
  return 0;
}
