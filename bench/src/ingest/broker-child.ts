/**
 * Child-process entry: Hameau's broker as `hameau broker` runs it, authenticating against the
 * API's device registry (the SQLite file in `dataDir`, or PostgreSQL with `databaseUrl`).
 * Started by the ingest bench through `ServiceProcess`; never run directly.
 */
import { pino } from 'pino';
import { parseBrokerConfig, startBroker } from '@hameau/broker';
import { serveParent } from './serve-parent.js';

/** What the bench tells the broker. */
export interface BrokerSettings {
  readonly dataDir: string;
  readonly databaseUrl: string | null;
}

/** What the broker tells the bench once it listens. */
export interface BrokerInfo {
  readonly port: number;
}

serveParent('broker-child', async (settings: BrokerSettings) => {
  const config = parseBrokerConfig({
    host: '127.0.0.1',
    mqttPort: 0,
    wsPort: null,
    httpPort: null,
    dataDir: settings.dataDir,
    credentials: 'registry',
    ...(settings.databaseUrl !== null && { databaseUrl: settings.databaseUrl }),
    // Every simulated agent connects from 127.0.0.1 within seconds; the default (10/s, burst
    // 50) is meant for one address per site.
    limits: { connectionsPerSecond: 10_000, connectionBurst: 10_000 },
  });
  const log = pino({ name: 'bench-broker', level: 'warn' }, pino.destination(2));
  const broker = await startBroker(config, { log });
  const info: BrokerInfo = { port: broker.mqtt.port };
  return { info, methods: {}, close: () => broker.close() };
});
