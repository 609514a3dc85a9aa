import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { z } from 'zod';
import { DeviceKind, HameauError, type Principal } from '@hameau/protocol';
import type { CredentialRecord, CredentialStore } from './credential-store.js';

/**
 * A row of the cloud registry's `mqtt_accounts` table (cloud-api migration 0001). The broker
 * reads it directly rather than asking the API over HTTP, so devices can still (re)connect
 * while the API is down or restarting.
 */
const AccountRow = z.discriminatedUnion('role', [
  z.object({
    role: z.literal('device'),
    username: z.string(),
    site_id: z.string(),
    device_id: z.string(),
    kind: DeviceKind,
    hash: z.string(),
  }),
  z.object({ role: z.enum(['cloud', 'observer']), username: z.string(), hash: z.string() }),
]);

const QUERY_SQLITE =
  'select username, role, site_id, device_id, kind, hash from mqtt_accounts where username = ?';
const QUERY_PG =
  'select username, role, site_id, device_id, kind, hash from mqtt_accounts where username = $1';

/** PostgreSQL's `undefined_table`: the API has not run its migrations on this database yet. */
const PG_UNDEFINED_TABLE = '42P01';

/**
 * How long a CONNECT may wait on a locked SQLite file. better-sqlite3 waits on the event loop's
 * thread, so every client of the broker waits too; in WAL mode a reader is only blocked while
 * the API creates the file, so a short wait suffices and a longer one would only stall others.
 */
const SQLITE_BUSY_TIMEOUT_MS = 250;

function toRecord(row: unknown): CredentialRecord | undefined {
  if (row === undefined) return undefined;
  const r = AccountRow.parse(row);
  const principal: Principal =
    r.role === 'device'
      ? { role: 'device', site: r.site_id, device: r.device_id, kind: r.kind }
      : { role: r.role, name: r.username };
  return { principal, hash: r.hash };
}

/**
 * The registry cannot answer yet. The access control turns this into CONNACK 3 (server
 * unavailable, which clients retry) and logs the message, which names the database.
 */
function notReady(database: string, why: string): HameauError {
  return new HameauError('DATABASE_UNAVAILABLE', `the device registry ${database} ${why}`, {
    database,
  });
}

/**
 * Reads the registry in the API's SQLite file (the embedded default).
 *
 * The broker never creates or migrates this file: the API does (`hameau api`, `hameau start`,
 * `hameau device add`). Until it has, every CONNECT is refused as "server unavailable" with a
 * log line naming the file, and the first CONNECT after it exists is served, without a restart.
 * The connection is read-only and opened lazily; it is reopened when the file is replaced.
 */
export class SqliteRegistryCredentialStore implements CredentialStore {
  readonly #path: string;
  #db: Database.Database | null = null;
  /** Inode of the file `#db` has open, to notice a database deleted and created again. */
  #inode = -1;

  constructor(path: string) {
    this.#path = path;
  }

  find(username: string): CredentialRecord | undefined {
    const db = this.#connection();
    let row: unknown;
    try {
      // Prepared per call: a statement prepared before the API's migrations would keep failing.
      row = db.prepare(QUERY_SQLITE).get(username);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('no such table')) {
        throw notReady(this.#path, 'has no accounts table yet: the API has not migrated it');
      }
      throw err;
    }
    return toRecord(row);
  }

  close(): void {
    this.#db?.close();
    this.#db = null;
    this.#inode = -1;
  }

  #connection(): Database.Database {
    const inode = inodeOf(this.#path);
    if (inode === null) {
      this.close();
      throw notReady(
        this.#path,
        'does not exist yet: start the API (`hameau api`) or add a device (`hameau device add`) ' +
          'to create it, or set HAMEAU_BROKER_CREDENTIALS=file for a broker without the API',
      );
    }
    if (this.#db === null || inode !== this.#inode) {
      this.close();
      this.#db = new Database(this.#path, {
        readonly: true,
        fileMustExist: true,
        timeout: SQLITE_BUSY_TIMEOUT_MS,
      });
      this.#inode = inode;
    }
    return this.#db;
  }
}

function inodeOf(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

/** Reads the registry in PostgreSQL (`DATABASE_URL`). */
export class PostgresRegistryCredentialStore implements CredentialStore {
  readonly #pool: pg.Pool;
  /** host:port/database, never the user or password. */
  readonly #name: string;

  constructor(url: string) {
    const u = new URL(url);
    this.#name = `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname} (DATABASE_URL)`;
    this.#pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
    // An idle client losing its connection emits 'error' on the pool, which would otherwise
    // kill the broker; the next lookup reconnects or reports the failure.
    this.#pool.on('error', () => undefined);
  }

  async find(username: string): Promise<CredentialRecord | undefined> {
    let rows: unknown[];
    try {
      ({ rows } = await this.#pool.query(QUERY_PG, [username]));
    } catch (err) {
      if ((err as { code?: unknown }).code === PG_UNDEFINED_TABLE) {
        throw notReady(this.#name, 'has no accounts table yet: the API has not migrated it');
      }
      throw notReady(this.#name, `cannot be read: ${(err as Error).message}`);
    }
    return toRecord(rows[0]);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
