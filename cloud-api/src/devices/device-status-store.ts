import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';

/** The last known state of a device, as MQTT ingestion records it. */
export interface DeviceStatus {
  readonly online: boolean;
  /** The session counter of the birth or will that set `online`. */
  readonly session: number;
  /** Last message of any kind from the device, ms since the epoch. */
  readonly lastSeen: number;
  readonly lastBirth: number | null;
  readonly outboxDepth: number | null;
  readonly outboxOldestAgeMs: number | null;
  /** The configuration version the device reports running. */
  readonly configVersion: number | null;
  readonly updatedAt: number;
}

/**
 * Queries on `device_status`. Ingestion (`device-status-listener.ts`) decides what is newer (a
 * will with an older session must not hide a newer birth) before it writes.
 */
export const deviceStatusStore = {
  /** Writes one device's status (ingestion decides what is newer before it writes). */
  async upsert(
    db: Kysely<Schema>,
    key: { readonly site: string; readonly device: string },
    status: DeviceStatus,
  ): Promise<void> {
    await deviceStatusStore.upsertMany(db, [{ ...key, status }]);
  },

  /** `upsert` for many devices in one statement per few hundred (one round trip each). */
  async upsertMany(
    db: Kysely<Schema>,
    entries: readonly {
      readonly site: string;
      readonly device: string;
      readonly status: DeviceStatus;
    }[],
  ): Promise<void> {
    for (let i = 0; i < entries.length; i += 500) {
      const rows = entries.slice(i, i + 500).map(({ site, device, status }) => ({
        site_id: site,
        device_id: device,
        online: status.online ? 1 : 0,
        session: status.session,
        last_seen: status.lastSeen,
        last_birth: status.lastBirth,
        outbox_depth: status.outboxDepth,
        outbox_oldest_age_ms: status.outboxOldestAgeMs,
        config_version: status.configVersion,
        updated_at: status.updatedAt,
      }));
      await db
        .insertInto('device_status')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['site_id', 'device_id']).doUpdateSet((eb) => ({
            online: eb.ref('excluded.online'),
            session: eb.ref('excluded.session'),
            last_seen: eb.ref('excluded.last_seen'),
            last_birth: eb.ref('excluded.last_birth'),
            outbox_depth: eb.ref('excluded.outbox_depth'),
            outbox_oldest_age_ms: eb.ref('excluded.outbox_oldest_age_ms'),
            config_version: eb.ref('excluded.config_version'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  },

  async get(
    db: Kysely<Schema>,
    key: { readonly site: string; readonly device: string },
  ): Promise<DeviceStatus | null> {
    const row = await db
      .selectFrom('device_status')
      .selectAll()
      .where('site_id', '=', key.site)
      .where('device_id', '=', key.device)
      .executeTakeFirst();
    return row ? statusFromRow(row) : null;
  },
};

/** Maps a `device_status` row (or the status columns of a join) to a `DeviceStatus`. */
export function statusFromRow(row: {
  online: number;
  session: number;
  last_seen: number;
  last_birth: number | null;
  outbox_depth: number | null;
  outbox_oldest_age_ms: number | null;
  config_version: number | null;
  updated_at: number;
}): DeviceStatus {
  return {
    online: row.online === 1,
    session: row.session,
    lastSeen: row.last_seen,
    lastBirth: row.last_birth,
    outboxDepth: row.outbox_depth,
    outboxOldestAgeMs: row.outbox_oldest_age_ms,
    configVersion: row.config_version,
    updatedAt: row.updated_at,
  };
}
