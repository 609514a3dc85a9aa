import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server PostgreSQL tests run against (trust authentication, as in CI). */
const ADMIN_URL =
  process.env.HAMEAU_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty PostgreSQL database: its `DATABASE_URL` and how to drop it. */
export interface FreshPostgres {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Creates `hameau_test_<random>` like cloud-api's test helper does. An unreachable server fails
 * the test: skipping would hide that the PostgreSQL path is untested.
 */
export async function createFreshPostgres(): Promise<FreshPostgres> {
  const name = `hameau_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
