import {
  DeviceService,
  ServiceAccountService,
  databaseConfigOf,
  migrateToLatest,
  openDatabase,
  parseApiConfig,
  type DatabaseHandle,
} from '@hameau/cloud-api';
import { HameauError, systemClock } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { cliActor } from './cli-actor.js';
import type { IdentityStore } from './identity-store.js';

/**
 * Opens the cloud registry through the API's own services, so the CLI creates exactly what
 * `POST /api/v1/devices` creates (site, device, MQTT account) with an audit row. The database is
 * created and migrated when it does not exist yet: `hameau device add` may come before the API's
 * first start, and a broker waiting on the registry then picks it up.
 */
export async function openRegistryIdentityStore(options: {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}): Promise<IdentityStore> {
  // The API's own config decides where the registry is, so the two can never disagree.
  const config = parseApiConfig(
    {
      dataDir: options.dataDir,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    },
    'registry location',
    (key) => (key === 'databaseUrl' ? 'DATABASE_URL' : key),
  );
  const database = databaseConfigOf(config);
  const location =
    database.dialect === 'sqlite'
      ? `the registry (${database.file})`
      : `the registry (${describePostgres(database.url)})`;
  // Service logs go to stderr and only from warnings up: stdout carries what the user asked for.
  const log = pino(
    { name: 'hameau-cli', level: options.env.HAMEAU_LOG_LEVEL ?? 'warn' },
    pino.destination(2),
  );
  const handle = await openDatabase(database, { log });
  try {
    await migrateToLatest(handle.db);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return registryStore(handle, log, location, cliActor(options.env));
}

function registryStore(
  handle: DatabaseHandle,
  log: Logger,
  location: string,
  actor: string,
): IdentityStore {
  const deps = { db: handle.db, clock: systemClock, log };
  const devices = new DeviceService(deps);
  const accounts = new ServiceAccountService(deps);
  return {
    location,
    async addDevice(d) {
      return (await devices.create(d, actor)).mqtt;
    },
    async addService(a) {
      const { username, password } = await accounts.create(a, actor);
      return { username, password };
    },
    async list() {
      return (await accounts.list()).map((a) => ({
        username: a.username,
        role: a.role,
        kind: a.kind,
        createdAt: new Date(a.createdAt),
      }));
    },
    async removeDevice(site, device) {
      try {
        await devices.delete(site, device, actor);
        return true;
      } catch (err) {
        if (err instanceof HameauError && err.code === 'DEVICE_NOT_FOUND') return false;
        throw err;
      }
    },
    close: () => handle.close(),
  };
}

/** host:port/database, never the user or password. */
function describePostgres(url: string): string {
  const u = new URL(url);
  return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
}
