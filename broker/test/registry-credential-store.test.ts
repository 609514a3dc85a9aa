import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectAsync } from 'mqtt';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { HameauError } from '@hameau/protocol';
import { hashSecret } from '@hameau/protocol/secret-hash';
import {
  brokerConfigFromEnv,
  describeCredentialSource,
  parseBrokerConfig,
  registryPath,
} from '../src/config.js';
import { startBroker } from '../src/broker.js';
import {
  PostgresRegistryCredentialStore,
  SqliteRegistryCredentialStore,
} from '../src/registry-credential-store.js';

// The table as cloud-api's migration 0001 creates it, reduced to what the broker reads: apps do
// not import each other. cli/test/registry-*.test.ts run the broker on the real migrations.
const CREATE_ACCOUNTS = `create table mqtt_accounts (
  username text primary key, role text not null, site_id text, device_id text, kind text,
  hash text not null, created_at bigint not null)`;
const INSERT_ACCOUNT =
  'insert into mqtt_accounts (username, role, site_id, device_id, kind, hash, created_at) ' +
  "values ($1, 'device', $2, $3, 'locker', $4, 0)";

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-registry-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Opens the file the way the API does (cloud-api `openDatabase`): read-write, WAL. */
function openAsApi(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  return db;
}

function addDevice(db: Database.Database, site: string, device: string, hash: string): void {
  db.prepare(INSERT_ACCOUNT.replace(/\$\d/g, '?')).run(`${site}/${device}`, site, device, hash);
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('SqliteRegistryCredentialStore', () => {
  it('refuses while the database does not exist, naming the file, and never creates it', () => {
    const path = join(tmp(), 'hameau.sqlite');
    const store = new SqliteRegistryCredentialStore(path);
    const err = thrown(() => store.find('gare/lockers'));
    expect(err).toBeInstanceOf(HameauError);
    expect((err as HameauError).code).toBe('DATABASE_UNAVAILABLE');
    expect((err as Error).message).toContain(`${path} does not exist yet`);
    expect((err as Error).message).toContain('hameau device add');
    expect(existsSync(path)).toBe(false);
  });

  it('waits out the API creating and migrating the file, then serves it without a restart', async () => {
    const path = join(tmp(), 'hameau.sqlite');
    const store = new SqliteRegistryCredentialStore(path);
    expect(thrown(() => store.find('gare/lockers'))).toBeInstanceOf(HameauError);

    // The API has created the file but not yet run its migrations.
    const api = openAsApi(path);
    const early = thrown(() => store.find('gare/lockers'));
    expect((early as HameauError).code).toBe('DATABASE_UNAVAILABLE');
    expect((early as Error).message).toContain('has no accounts table yet');

    api.exec(CREATE_ACCOUNTS);
    expect(store.find('gare/lockers')).toBeUndefined();
    const hash = await hashSecret('secret');
    addDevice(api, 'gare', 'lockers', hash);
    expect(store.find('gare/lockers')).toEqual({
      principal: { role: 'device', site: 'gare', device: 'lockers', kind: 'locker' },
      hash,
    });
    api.close();
    store.close();
  });

  it("sees the API's writes at once while both keep the file open (WAL)", async () => {
    const path = join(tmp(), 'hameau.sqlite');
    const api = openAsApi(path);
    api.exec(CREATE_ACCOUNTS);
    const store = new SqliteRegistryCredentialStore(path);
    expect(store.find('gare/lockers')).toBeUndefined();
    addDevice(api, 'gare', 'lockers', await hashSecret('secret'));
    expect(store.find('gare/lockers')?.principal).toMatchObject({ device: 'lockers' });
    api.prepare('delete from mqtt_accounts where username = ?').run('gare/lockers');
    expect(store.find('gare/lockers')).toBeUndefined();
    api.close();
    store.close();
  });

  it('follows a database deleted and created again instead of reading the old one', async () => {
    const dir = tmp();
    const path = join(dir, 'hameau.sqlite');
    const first = openAsApi(path);
    first.exec(CREATE_ACCOUNTS);
    addDevice(first, 'gare', 'old', await hashSecret('secret'));
    first.close();
    const store = new SqliteRegistryCredentialStore(path);
    expect(store.find('gare/old')).toBeDefined();

    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    expect((thrown(() => store.find('gare/old')) as Error).message).toContain('does not exist');
    const second = openAsApi(path);
    second.exec(CREATE_ACCOUNTS);
    addDevice(second, 'gare', 'new', await hashSecret('secret'));
    expect(store.find('gare/old')).toBeUndefined();
    expect(store.find('gare/new')).toBeDefined();
    second.close();
    store.close();
  });
});

describe('a broker on the registry (the default)', () => {
  it('starts before the API, answers "server unavailable", then accepts once the registry exists', async () => {
    const dataDir = tmp();
    const config = parseBrokerConfig({
      host: '127.0.0.1',
      mqttPort: 0,
      wsPort: null,
      httpPort: null,
      dataDir,
    });
    expect(config.credentials).toBe('registry');
    const logLines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => logLines.push(line) });
    const broker = await startBroker(config, { log });
    const url = `mqtt://127.0.0.1:${broker.mqtt.port}`;
    const options = {
      username: 'gare/lockers',
      password: 'secret',
      clientId: 'gare/lockers',
      reconnectPeriod: 0,
    };
    await expect(connectAsync(url, options)).rejects.toMatchObject({ code: 3 });
    expect(broker.metrics.connectionsRefused.get('store-error')).toBe(1);
    // The operator sees why, and which file is missing.
    expect(logLines.join('\n')).toContain(`${registryPath(config)} does not exist yet`);

    const api = openAsApi(registryPath(config));
    api.exec(CREATE_ACCOUNTS);
    addDevice(api, 'gare', 'lockers', await hashSecret('secret'));
    const client = await connectAsync(url, options);
    await client.endAsync();
    await expect(connectAsync(url, { ...options, password: 'wrong' })).rejects.toMatchObject({
      code: 4,
    });
    api.close();
    await broker.close();
  });
});

describe('credential source', () => {
  it('defaults to the registry; file stays available by variable', () => {
    expect(brokerConfigFromEnv({}).credentials).toBe('registry');
    expect(brokerConfigFromEnv({ HAMEAU_BROKER_CREDENTIALS: 'file' }).credentials).toBe('file');
    expect(() => brokerConfigFromEnv({ HAMEAU_BROKER_CREDENTIALS: 'ldap' })).toThrow(
      /HAMEAU_BROKER_CREDENTIALS/,
    );
  });

  it('is described by path or host, never with the database password', () => {
    const dataDir = tmp();
    expect(describeCredentialSource(parseBrokerConfig({ dataDir }))).toBe(
      `registry in ${join(dataDir, 'hameau.sqlite')}`,
    );
    expect(describeCredentialSource(parseBrokerConfig({ dataDir, credentials: 'file' }))).toBe(
      `credential file ${join(dataDir, 'credentials.json')}`,
    );
    const pgConfig = parseBrokerConfig({
      databaseUrl: 'postgres://hameau:s3cret@db.example:6543/town',
    });
    expect(describeCredentialSource(pgConfig)).toBe(
      'registry in PostgreSQL at db.example:6543/town',
    );
  });
});

const ADMIN_URL =
  process.env.HAMEAU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe('PostgresRegistryCredentialStore', () => {
  const name = `hameau_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  // Trust authentication ignores it; it stands for a real password that must never be shown.
  url.password = 'not-to-be-shown';
  afterAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('refuses before the API has migrated, then serves the accounts it creates', async () => {
    await adminQuery(`CREATE DATABASE ${name}`);
    const store = new PostgresRegistryCredentialStore(url.toString());
    try {
      const early = await store.find('gare/lockers').catch((e: unknown) => e);
      expect(early).toBeInstanceOf(HameauError);
      expect((early as HameauError).code).toBe('DATABASE_UNAVAILABLE');
      expect((early as Error).message).toContain(`/${name} (DATABASE_URL) has no accounts table`);
      expect((early as Error).message).not.toContain('not-to-be-shown');

      const api = new pg.Client({ connectionString: url.toString() });
      await api.connect();
      const hash = await hashSecret('secret');
      try {
        await api.query(CREATE_ACCOUNTS);
        await api.query(INSERT_ACCOUNT, ['gare/lockers', 'gare', 'lockers', hash]);
      } finally {
        await api.end();
      }
      expect(await store.find('gare/lockers')).toEqual({
        principal: { role: 'device', site: 'gare', device: 'lockers', kind: 'locker' },
        hash,
      });
      expect(await store.find('gare/other')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('reports an unreachable server by host, without the password', async () => {
    const store = new PostgresRegistryCredentialStore(
      'postgres://hameau:not-to-be-shown@127.0.0.1:1/hameau',
    );
    try {
      const err = await store.find('gare/lockers').catch((e: unknown) => e);
      expect((err as HameauError).code).toBe('DATABASE_UNAVAILABLE');
      expect((err as Error).message).toContain('PostgreSQL at 127.0.0.1:1/hameau');
      expect((err as Error).message).toContain('cannot be read');
      expect((err as Error).message).not.toContain('not-to-be-shown');
    } finally {
      await store.close();
    }
  });
});
