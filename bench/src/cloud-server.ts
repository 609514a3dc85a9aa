import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { parseBrokerConfig, startBroker, type RunningBroker } from '@hameau/broker';
import { parseApiConfig, startApiServer, type RunningApi } from '@hameau/cloud-api';

/** A town's server in this process: our broker and the API, the API connected to it. */
export interface CloudServer {
  readonly api: RunningApi;
  readonly broker: RunningBroker;
  readonly mqttUrl: string;
  /** The API's admin token (`<dir>/admin-token`). */
  readonly adminToken: string;
  /** Closes the API, then the broker. */
  close(): Promise<void>;
}

/** How long the API may take to connect to the broker. */
const CONNECT_TIMEOUT_MS = 30_000;

/**
 * Starts our broker on a free loopback port, authenticating from the registry in `dir`, then
 * the API on SQLite in `dir` with its MQTT side connected to it, and resolves once the API is
 * connected (as the CLI's end-to-end tests run them). The broker reads the registry at each
 * CONNECT, so it may start before the API creates it.
 */
export async function startCloudServer(o: {
  readonly dir: string;
  readonly log: Logger;
  /** The API's logger (default: a child of `log`). */
  readonly apiLog?: Logger;
  /** The API's ingestion batches wait at most this long (a test wants its events soon). */
  readonly batchMaxDelayMs?: number;
  /** An Open-Meteo URL the API's weather relay fetches (none: no relay). */
  readonly weatherUrl?: string;
}): Promise<CloudServer> {
  let broker: RunningBroker | null = null;
  let api: RunningApi | null = null;
  const close = async () => {
    await api?.close();
    await broker?.close();
  };
  try {
    broker = await startBroker(
      parseBrokerConfig({
        host: '127.0.0.1',
        mqttPort: 0,
        wsPort: null,
        httpPort: null,
        dataDir: o.dir,
        credentials: 'registry',
      }),
      { log: o.log.child({ component: 'broker' }) },
    );
    const mqttUrl = `mqtt://127.0.0.1:${broker.mqtt.port}`;
    const running = await startApiServer(
      parseApiConfig({
        host: '127.0.0.1',
        port: 0,
        dataDir: o.dir,
        mqtt: {
          url: mqttUrl,
          ...(o.batchMaxDelayMs !== undefined && { batchMaxDelayMs: o.batchMaxDelayMs }),
        },
        ...(o.weatherUrl !== undefined && {
          weather: { url: o.weatherUrl, source: 'open-meteo' },
        }),
      }),
      { log: o.apiLog ?? o.log.child({ component: 'api' }) },
    );
    api = running;
    const adminToken = (await readFile(join(o.dir, 'admin-token'), 'utf8')).trim();
    const giveUpAt = performance.now() + CONNECT_TIMEOUT_MS;
    while (running.ingestion?.connected !== true) {
      if (performance.now() > giveUpAt) throw new Error('the API never connected to the broker');
      await delay(20);
    }
    return { api: running, broker, mqttUrl, adminToken, close };
  } catch (err) {
    await close();
    throw err;
  }
}
