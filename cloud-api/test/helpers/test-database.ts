import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { Dialect } from '../../src/storage/dialect.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openDatabase, type DatabaseHandle } from '../../src/storage/open-database.js';

/** Both dialects, for `describe.each`: every storage test runs on SQLite and on PostgreSQL. */
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** The server the PostgreSQL half runs against; CI has it on the machine. */
const ADMIN_URL =
  process.env.HAMEAU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends DatabaseHandle {
  /** What `DATABASE_URL` would be for this database (PostgreSQL only). */
  readonly url: string | undefined;
  /** Closes the database and removes it (temp dir or PostgreSQL database). */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database: an SQLite file in a temp dir, or a PostgreSQL database named
 * `hameau_test_<random>` created through the `postgres` database. An unreachable PostgreSQL
 * fails loudly: skipping would hide that the PostgreSQL path is untested.
 */
export async function createTestDatabase(
  dialect: Dialect,
  opts: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const handle = dialect === 'sqlite' ? await createSqlite() : await createPostgres();
  if (opts.migrate !== false) {
    try {
      await migrateToLatest(handle.db);
    } catch (err) {
      await handle.drop();
      throw err;
    }
  }
  return handle;
}

/**
 * A fresh database for the enclosing `describe`, created before its tests and dropped after.
 * Returns a getter: when PostgreSQL is unreachable, `beforeAll` fails with the reason and the
 * suite's tests fail, with no second error from the cleanup.
 */
export function useTestDatabase(
  dialect: Dialect,
  opts: { migrate?: boolean } = {},
): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(dialect, opts);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (database === undefined) throw new Error('the test database was not created');
    return database;
  };
}

async function createSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-cloud-'));
  const handle = await openDatabase({ dialect: 'sqlite', file: join(dir, 'hameau.sqlite') });
  return {
    ...handle,
    url: undefined,
    async drop() {
      try {
        await handle.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function createPostgres(): Promise<TestDatabase> {
  const name = `hameau_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({ dialect: 'postgres', url: url.toString(), maxConnections: 4 });
  } catch (err) {
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw err;
  }
  return {
    ...handle,
    url: url.toString(),
    async drop() {
      try {
        await handle.close();
      } finally {
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is unreachable at ${new URL(ADMIN_URL).host} (${(err as Error).message}). ` +
        'The PostgreSQL half of the cloud-api storage tests needs it: start PostgreSQL or set ' +
        'HAMEAU_TEST_POSTGRES_URL.',
    );
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
