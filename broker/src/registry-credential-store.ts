import Database from 'better-sqlite3';
import pg from 'pg';
import { z } from 'zod';
import { DeviceKind, type Principal } from '@hameau/protocol';
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

function toRecord(row: unknown): CredentialRecord | undefined {
  if (row === undefined) return undefined;
  const r = AccountRow.parse(row);
  const principal: Principal =
    r.role === 'device'
      ? { role: 'device', site: r.site_id, device: r.device_id, kind: r.kind }
      : { role: r.role, name: r.username };
  return { principal, hash: r.hash };
}

/** Reads the registry in the API's SQLite file (the embedded default). */
export class SqliteRegistryCredentialStore implements CredentialStore {
  readonly #path: string;
  #db: Database.Database | null = null;

  constructor(path: string) {
    this.#path = path;
  }

  find(username: string): CredentialRecord | undefined {
    // Opened lazily and read-only: the API creates the file and its tables; until it has, the
    // registry is empty and every CONNECT is refused.
    this.#db ??= new Database(this.#path, { readonly: true, fileMustExist: true });
    return toRecord(this.#db.prepare(QUERY_SQLITE).get(username));
  }

  close(): void {
    this.#db?.close();
    this.#db = null;
  }
}

/** Reads the registry in PostgreSQL (`DATABASE_URL`). */
export class PostgresRegistryCredentialStore implements CredentialStore {
  readonly #pool: pg.Pool;

  constructor(url: string) {
    this.#pool = new pg.Pool({ connectionString: url, max: 4 });
  }

  async find(username: string): Promise<CredentialRecord | undefined> {
    const result = await this.#pool.query(QUERY_PG, [username]);
    return toRecord(result.rows[0]);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
