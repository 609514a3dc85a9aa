/**
 * Child-process entry: the cloud API as `hameau api` runs it (`startApiServer` with `mqtt`),
 * plus a `LagRecorder` on its ingestion hub. It creates the bench's devices through the API's
 * own `DeviceService`, so the broker authenticates them against the registry as in production.
 * Started by the ingest bench through `ServiceProcess`; never run directly.
 */
import { pino } from 'pino';
import {
  parseApiConfig,
  startApiServer,
  type IngestionStats,
  type TimeSeriesConfigInput,
} from '@hameau/cloud-api';
import type { Summary } from '../percentiles.js';
import { LagRecorder, type LagProgress } from './lag-recorder.js';
import { serveParent } from './serve-parent.js';

/** What the bench tells the API. */
export interface ApiSettings {
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly mqttUrl: string;
  readonly timeSeries: TimeSeriesConfigInput;
}

/** A device created for the bench, with the password its agent connects with. */
export interface BenchDevice {
  readonly device: string;
  readonly username: string;
  readonly password: string;
}

/** What `progress` answers. */
export interface ApiProgress {
  readonly lag: LagProgress;
  readonly ingestion: IngestionStats;
}

/** The API's methods, as the bench calls them. */
export interface ApiMethods {
  createDevices(params: { site: string; devices: string[] }): Promise<BenchDevice[]>;
  arm(params: { expected: number }): null;
  disarm(): null;
  progress(): ApiProgress;
  lagSummary(): Summary;
}

/** A CONNECT that never gets its subscriptions in this time means a broken setup. */
const SUBSCRIBE_TIMEOUT_MS = 30_000;
/** Scrypt runs four at a time in libuv's threadpool; more in flight only queue. */
const CREATE_CONCURRENCY = 4;

serveParent('api-child', async (settings: ApiSettings) => {
  const config = parseApiConfig({
    host: '127.0.0.1',
    port: 0,
    dataDir: settings.dataDir,
    ...(settings.databaseUrl !== null && { databaseUrl: settings.databaseUrl }),
    mqtt: { url: settings.mqttUrl },
    timeSeries: settings.timeSeries,
  });
  const log = pino({ name: 'bench-api', level: 'warn' }, pino.destination(2));
  const api = await startApiServer(config, { log });
  const ingestion = api.ingestion;
  try {
    if (ingestion === null) throw new Error('the API started without its MQTT side');
    // Registered before the connect can complete: startApiServer only just called start().
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no MQTT subscription within ${SUBSCRIBE_TIMEOUT_MS} ms`));
      }, SUBSCRIBE_TIMEOUT_MS);
      ingestion.onConnect(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  } catch (err) {
    await api.close();
    throw err;
  }
  const recorder = new LagRecorder(() => Date.now());
  // Last listener: its time includes the domains' work on the batch (device status...).
  api.app.hameau.ingestion.addListener(recorder);

  const methods: ApiMethods = {
    async createDevices({ site, devices }) {
      const created: BenchDevice[] = [];
      for (let i = 0; i < devices.length; i += CREATE_CONCURRENCY) {
        const batch = devices.slice(i, i + CREATE_CONCURRENCY).map(async (device) => {
          const d = await api.app.hameau.devices.create({ site, device, kind: 'meters' }, 'bench');
          return { device, username: d.mqtt.username, password: d.mqtt.password };
        });
        created.push(...(await Promise.all(batch)));
      }
      return created;
    },
    arm({ expected }) {
      recorder.arm(expected);
      return null;
    },
    disarm() {
      recorder.disarm();
      return null;
    },
    progress: () => ({ lag: recorder.progress(), ingestion: ingestion.stats() }),
    lagSummary: () => recorder.summary(),
  };
  return { info: { url: api.url }, methods, close: () => api.close() };
});
