import { pino, type Logger } from 'pino';
import { systemClock, type Clock } from '@hameau/protocol';
import { buildApp, type ApiApp, type DomainPlugin } from './app.js';
import { ensureAdminToken } from './auth/bootstrap-admin-token.js';
import { databaseConfigOf, type ApiConfig } from './config.js';
import { listenOrExplain } from './http/listen.js';
import { migrateToLatest } from './storage/migrate.js';
import { openDatabase, type DatabaseHandle } from './storage/open-database.js';

export { apiConfigFromEnv } from './config.js';

/** A running API server. */
export interface RunningApi {
  readonly app: ApiApp;
  readonly database: DatabaseHandle;
  /** Base URL to reach it, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting requests, lets in-flight ones finish, then closes the database. */
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
 * Opens and migrates the database, bootstraps an admin token when none exists, builds the app
 * and listens. What `hameau api` runs with `apiConfigFromEnv(process.env)`.
 */
export async function startApiServer(
  config: ApiConfig,
  deps: ApiServerDeps = {},
): Promise<RunningApi> {
  const log = deps.log ?? pino({ name: 'cloud-api' });
  const clock = deps.clock ?? systemClock;
  const database = await openDatabase(databaseConfigOf(config), { log });
  let app: ApiApp | undefined;
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
    app = buildApp({
      db: database.db,
      clock,
      log,
      trustProxy: config.trustProxy,
      plugins: [...(deps.plugins ?? [])],
    });
    await ensureAdminToken({ tokens: app.hameau.tokens, file: config.adminTokenFile, log });
    const port = await listenOrExplain(app, config.host, config.port, 'HAMEAU_API_PORT');
    // 0.0.0.0 and :: are where we listen, not where a client can connect.
    const reachable = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
    const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
    log.info({ url, dialect: database.dialect }, 'API listening');
    const running = app;
    return {
      app: running,
      database,
      url,
      port,
      async close() {
        try {
          await running.close();
        } finally {
          await database.close();
        }
      },
    };
  } catch (err) {
    await app?.close();
    await database.close();
    throw err;
  }
}
