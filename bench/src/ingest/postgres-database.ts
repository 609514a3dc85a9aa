import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A throw-away PostgreSQL database for one scenario. */
export interface ThrowAwayDatabase {
  /** What `DATABASE_URL` is for it. */
  readonly url: string;
  /** The server's `server_version`, e.g. `15.20 (Debian 15.20-0+deb12u1)`. */
  readonly version: string;
  /** Drops it (closing whatever is still connected to it). */
  drop(): Promise<void>;
}

async function onAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates `hameau_bench_<random>` through the server's admin database (`.../postgres`); the
 * API migrates it like any new database. Fails with the reason when PostgreSQL is unreachable.
 */
export async function createThrowAwayDatabase(adminUrl: string): Promise<ThrowAwayDatabase> {
  const name = `hameau_bench_${randomBytes(4).toString('hex')}`;
  const version = await onAdmin(adminUrl, async (c) => {
    await c.query(`CREATE DATABASE ${name}`);
    const { rows } = await c.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown version';
  }).catch((err: unknown) => {
    throw new Error(
      `cannot create a PostgreSQL database through ${redact(adminUrl)} ` +
        `(${err instanceof Error ? err.message : String(err)}); start PostgreSQL, pass ` +
        '--postgres-url, or leave the scenario out with --scenarios',
    );
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    version,
    drop: () =>
      onAdmin(adminUrl, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}
