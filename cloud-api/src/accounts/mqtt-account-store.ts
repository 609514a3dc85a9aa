import type { Kysely } from 'kysely';
import type { DeviceKind, Principal } from '@hameau/protocol';
import type { Schema } from '../storage/schema.js';

/** A broker identity as listed: never its hash. */
export interface MqttAccountInfo {
  readonly username: string;
  readonly role: Principal['role'];
  readonly site: string | null;
  readonly device: string | null;
  readonly kind: DeviceKind | null;
  readonly createdAt: number;
}

type AccountRow = Schema['mqtt_accounts'];

/**
 * Queries on `mqtt_accounts`, the table the broker authenticates against. Rows hold the same
 * PHC `$scrypt$…` hashes as the broker's credential file.
 */
export const mqttAccountStore = {
  async insert(
    db: Kysely<Schema>,
    account: { principal: Principal; username: string; hash: string; createdAt: number },
  ): Promise<void> {
    const p = account.principal;
    await db
      .insertInto('mqtt_accounts')
      .values({
        username: account.username,
        role: p.role,
        site_id: p.role === 'device' ? p.site : null,
        device_id: p.role === 'device' ? p.device : null,
        kind: p.role === 'device' ? p.kind : null,
        hash: account.hash,
        created_at: account.createdAt,
      })
      .execute();
  },

  /** The identity and hash for a username, as the broker's `CredentialStore.find` returns. */
  async find(
    db: Kysely<Schema>,
    username: string,
  ): Promise<{ principal: Principal; hash: string } | undefined> {
    const row = await db
      .selectFrom('mqtt_accounts')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row && { principal: principalOf(row), hash: row.hash };
  },

  async list(db: Kysely<Schema>): Promise<MqttAccountInfo[]> {
    const rows = await db.selectFrom('mqtt_accounts').selectAll().orderBy('username').execute();
    return rows.map((r) => ({
      username: r.username,
      role: r.role,
      site: r.site_id,
      device: r.device_id,
      kind: r.kind as DeviceKind | null,
      createdAt: r.created_at,
    }));
  },

  /** Deletes a device's account (the device service does, with the device). */
  async deleteDevice(db: Kysely<Schema>, site: string, device: string): Promise<void> {
    await db
      .deleteFrom('mqtt_accounts')
      .where('site_id', '=', site)
      .where('device_id', '=', device)
      .execute();
  },

  /** Deletes a service account (devices lose theirs with the device); false when absent. */
  async deleteService(db: Kysely<Schema>, name: string): Promise<boolean> {
    const rows = await db
      .deleteFrom('mqtt_accounts')
      .where('username', '=', name)
      .where('role', '<>', 'device')
      .returning('username')
      .execute();
    return rows.length > 0;
  },
};

function principalOf(row: AccountRow): Principal {
  if (row.role === 'device') {
    // The identity check constraint guarantees all three are set for a device account.
    return {
      role: 'device',
      site: row.site_id ?? '',
      device: row.device_id ?? '',
      kind: row.kind as DeviceKind,
    };
  }
  return { role: row.role, name: row.username };
}
