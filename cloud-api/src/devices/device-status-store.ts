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
  /** The agent software version its latest birth announced; null when it announced none. */
  readonly agentVersion: string | null;
  readonly updatedAt: number;
}

/**
 * The status of a registered device that never reported: offline, before any session (0 is a
 * real first session, so -1 until the first birth or will).
 */
export const NO_STATUS: DeviceStatus = Object.freeze({
  online: false,
  session: -1,
  lastSeen: 0,
  lastBirth: null,
  outboxDepth: null,
  outboxOldestAgeMs: null,
  configVersion: null,
  agentVersion: null,
  updatedAt: 0,
});

/**
 * The `device_status` columns, as selected from a join of `devices as d` with `device_status as
 * s`: the registry's queries and ingestion's read the same columns, mapped by `statusFromJoin`.
 */
export const STATUS_COLUMNS = [
  's.online',
  's.session',
  's.last_seen',
  's.last_birth',
  's.outbox_depth',
  's.outbox_oldest_age_ms',
  's.config_version',
  's.agent_version',
  's.updated_at',
] as const;

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
        agent_version: status.agentVersion,
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
            agent_version: eb.ref('excluded.agent_version'),
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

/** A `device_status` row. */
interface StatusRow {
  online: number;
  session: number;
  last_seen: number;
  last_birth: number | null;
  outbox_depth: number | null;
  outbox_oldest_age_ms: number | null;
  config_version: number | null;
  agent_version: string | null;
  updated_at: number;
}

/** The `STATUS_COLUMNS` of a left join: all null when the device never reported. */
type JoinedStatusRow = { [K in keyof StatusRow]: StatusRow[K] | null };

/** Maps the `STATUS_COLUMNS` of a join to a `DeviceStatus`, or null when there is no row. */
export function statusFromJoin(row: JoinedStatusRow): DeviceStatus | null {
  const { online, session, last_seen, updated_at } = row;
  if (online === null || session === null || last_seen === null || updated_at === null) {
    return null;
  }
  return statusFromRow({ ...row, online, session, last_seen, updated_at });
}

function statusFromRow(row: StatusRow): DeviceStatus {
  return {
    online: row.online === 1,
    session: row.session,
    lastSeen: row.last_seen,
    lastBirth: row.last_birth,
    outboxDepth: row.outbox_depth,
    outboxOldestAgeMs: row.outbox_oldest_age_ms,
    configVersion: row.config_version,
    agentVersion: row.agent_version,
    updatedAt: row.updated_at,
  };
}
