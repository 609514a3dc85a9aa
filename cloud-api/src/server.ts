import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { systemClock, type Clock } from '@hameau/protocol';
import { buildApp, type ApiApp, type DomainPlugin } from './app.js';
import { ensureAdminToken } from './auth/bootstrap-admin-token.js';
import { databaseConfigOf, type ApiConfig } from './config.js';
import { listenOrExplain } from './http/listen.js';
import { resolveCloudPassword } from './ingestion/cloud-credentials.js';
import { IngestionHub } from './ingestion/ingestion-hub.js';
import { ingestionRoutes } from './ingestion/ingestion-routes.js';
import { IngestionService } from './ingestion/ingestion-service.js';
import { IngestPipeline } from './ingestion/ingest-pipeline.js';
import { resolveLockerPepper } from './lockers/locker-keys.js';
import { LogFileNotifier } from './lockers/locker-notifier.js';
import { migrateToLatest } from './storage/migrate.js';
import { openDatabase, type DatabaseHandle } from './storage/open-database.js';
import { createTimeSeriesStore } from './timeseries/create-time-series-store.js';
import type { TimeSeriesConfig } from './timeseries/time-series-config.js';
import type { TimeSeriesStore } from './timeseries/time-series-store.js';

export { apiConfigFromEnv } from './config.js';

/** A running API server. */
export interface RunningApi {
  readonly app: ApiApp;
  readonly database: DatabaseHandle;
  readonly timeSeries: TimeSeriesStore;
  /** The MQTT side, when the config has `mqtt`. */
  readonly ingestion: IngestionService | null;
  /** Base URL to reach it, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /**
   * Stops ingesting (processing what was received), stops accepting requests and lets
   * in-flight ones finish, then closes the stores.
   */
  close(): Promise<void>;
}

/** Optional dependencies of `startApiServer`; production uses the defaults. */
export interface ApiServerDeps {
  readonly log?: Logger;
  readonly clock?: Clock;
  /** Extra domains (e.g. MQTT ingestion) registered after the built-in ones. */
  readonly plugins?: readonly DomainPlugin[];
}

/**
 * Opens and migrates the database, opens the time-series store, bootstraps an admin token when
 * none exists, builds the app and listens; with `config.mqtt`, connects to the broker as the
 * cloud account and ingests. What `hameau api` runs with `apiConfigFromEnv(process.env)`.
 */
export async function startApiServer(
  config: ApiConfig,
  deps: ApiServerDeps = {},
): Promise<RunningApi> {
  const log = deps.log ?? pino({ name: 'cloud-api' });
  const clock = deps.clock ?? systemClock;
  const database = await openDatabase(databaseConfigOf(config), { log });
  let timeSeries: TimeSeriesStore | undefined;
  let ingestion: IngestionService | null = null;
  let app: ApiApp | undefined;
  const closeAll = async () => {
    try {
      await ingestion?.stop();
      await app?.close();
    } finally {
      await timeSeries?.close();
      await database.close();
    }
  };
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
    timeSeries = createTimeSeriesStore(withDataDir(config.timeSeries, config.dataDir), {
      clock,
      logger: log,
    });
    const hub = new IngestionHub();
    const plugins = [...(deps.plugins ?? [])];
    if (config.mqtt) {
      const password = await resolveCloudPassword(config.mqtt, {
        db: database.db,
        clock,
        log,
        provisionedFile: join(config.dataDir, 'mqtt-cloud-password'),
      });
      const pipeline = new IngestPipeline({
        db: database.db,
        store: timeSeries,
        hub,
        clock,
        log: log.child({ domain: 'ingestion' }),
      });
      ingestion = new IngestionService({
        config: {
          ...config.mqtt,
          password,
          journalPath: config.mqtt.journalPath ?? join(config.dataDir, 'ingest-journal.sqlite'),
        },
        pipeline,
        clock,
        log,
      });
      const service = ingestion;
      plugins.push(ingestionRoutes(() => service.stats()));
    }
    app = buildApp({
      db: database.db,
      clock,
      log,
      trustProxy: config.trustProxy,
      plugins,
      ingestion: hub,
      timeSeries,
      energy: config.energy,
      ...(config.weather && { weather: config.weather }),
      lockers: {
        pepper: resolveLockerPepper(config.lockers ?? {}, {
          log,
          provisionedFile: join(config.dataDir, 'locker-pepper'),
        }),
        notifier: new LogFileNotifier(join(config.dataDir, 'notifications.log'), () => clock.now()),
      },
      ...(ingestion && { publisher: ingestion }),
    });
    await ensureAdminToken({ tokens: app.hameau.tokens, file: config.adminTokenFile, log });
    const port = await listenOrExplain(app, config.host, config.port, 'HAMEAU_API_PORT');
    // Only now: every domain has registered its listeners and connect hooks.
    ingestion?.start();
    // 0.0.0.0 and :: are where we listen, not where a client can connect.
    const reachable = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
    const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
    log.info(
      {
        url,
        dialect: database.dialect,
        timeSeries: config.timeSeries.kind,
        mqtt: config.mqtt?.url,
      },
      'API listening',
    );
    return {
      app,
      database,
      timeSeries,
      ingestion,
      url,
      port,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The embedded store's file defaults to `<dataDir>/series.sqlite`, beside the database. */
function withDataDir(config: TimeSeriesConfig, dataDir: string): TimeSeriesConfig {
  return config.kind === 'embedded' && config.path === undefined
    ? { ...config, path: join(dataDir, 'series.sqlite') }
    : config;
}
