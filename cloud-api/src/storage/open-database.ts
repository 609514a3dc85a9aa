import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigError, HameauError } from '@hameau/protocol';
import type { Dialect } from './dialect.js';
import type { Schema } from './schema.js';

/** Where the cloud keeps its state: an SQLite file (the default) or a PostgreSQL database. */
export const DatabaseConfig = z.discriminatedUnion('dialect', [
  z
    .object({
      dialect: z.literal('sqlite'),
      /** A file path, or `:memory:` for a throw-away database. */
      file: z.string().min(1),
    })
    .strict(),
  z
    .object({
      dialect: z.literal('postgres'),
      url: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
      maxConnections: z.number().int().positive().default(10),
    })
    .strict(),
]);
export type DatabaseConfig = z.input<typeof DatabaseConfig>;

/** An open database: the query layer, which dialect it speaks, and how to close it. */
export interface DatabaseHandle {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Opens the database and checks it answers, so a wrong `DATABASE_URL` fails at start with a
 * clear message instead of at the first request. Does not migrate: call `migrateToLatest`.
 */
export async function openDatabase(
  input: DatabaseConfig,
  deps: { readonly log?: Logger } = {},
): Promise<DatabaseHandle> {
  const parsed = DatabaseConfig.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      'database config',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const config = parsed.data;
  return config.dialect === 'sqlite'
    ? openSqlite(config.file)
    : openPostgres(config.url, config.maxConnections, deps.log);
}

function openSqlite(file: string): DatabaseHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  // WAL lets readers (the broker, a CLI) work while the API writes; SQLite leaves foreign keys
  // off unless asked, per connection. synchronous stays FULL (the default): registry writes are
  // rare and a device password shown once must not be lost to a power cut.
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function openPostgres(
  url: string,
  maxConnections: number,
  log: Logger | undefined,
): Promise<DatabaseHandle> {
  // Per pool, not pg's global parser table: other code in the process may want int8 as text.
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, 'text', parseInt8);
  const pool = new pg.Pool({ connectionString: url, max: maxConnections, types });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash.
  pool.on('error', (err) => {
    log?.warn({ err: err.message }, 'postgres idle connection error');
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy();
    throw new HameauError(
      'DATABASE_UNAVAILABLE',
      `cannot reach PostgreSQL at ${describeUrl(url)} (DATABASE_URL): ${(err as Error).message}`,
      { database: describeUrl(url) },
    );
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** Timestamps and counters are int8; ms since 1970 fit a double exactly until year 287396. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is not a safe integer`);
  return n;
}

/** host:port/database, never the user or password. */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}
