import type { Kysely } from 'kysely';
import type { DeviceKind } from '@hameau/protocol';
import type { Schema } from '../storage/schema.js';
import { STATUS_COLUMNS, statusFromJoin, type DeviceStatus } from './device-status-store.js';

/** A registered device with its last known status (null until it has ever reported). */
export interface DeviceRecord {
  readonly site: string;
  readonly device: string;
  readonly kind: DeviceKind;
  readonly createdAt: number;
  readonly status: DeviceStatus | null;
}

/** Queries on `sites` and `devices`; every function takes a Kysely instance or a transaction. */
export const deviceStore = {
  /** Creates the site unless it exists; its name starts as its id. */
  async ensureSite(db: Kysely<Schema>, site: string, at: number): Promise<void> {
    await db
      .insertInto('sites')
      .values({ id: site, name: site, created_at: at })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  },

  async insert(
    db: Kysely<Schema>,
    row: { site: string; device: string; kind: DeviceKind; createdAt: number },
  ): Promise<void> {
    await db
      .insertInto('devices')
      .values({
        site_id: row.site,
        device_id: row.device,
        kind: row.kind,
        created_at: row.createdAt,
      })
      .execute();
  },

  /** Devices with their status, ordered by site then device; optionally one site only. */
  async list(
    db: Kysely<Schema>,
    filter: { readonly site?: string | undefined } = {},
  ): Promise<DeviceRecord[]> {
    let q = selectWithStatus(db);
    if (filter.site !== undefined) q = q.where('d.site_id', '=', filter.site);
    const rows = await q.orderBy('d.site_id').orderBy('d.device_id').execute();
    return rows.map(recordFromRow);
  },

  async get(db: Kysely<Schema>, site: string, device: string): Promise<DeviceRecord | undefined> {
    const row = await selectWithStatus(db)
      .where('d.site_id', '=', site)
      .where('d.device_id', '=', device)
      .executeTakeFirst();
    return row && recordFromRow(row);
  },

  /** Deletes a device; its status and MQTT account go with it (foreign keys cascade). */
  async delete(db: Kysely<Schema>, site: string, device: string): Promise<boolean> {
    const rows = await db
      .deleteFrom('devices')
      .where('site_id', '=', site)
      .where('device_id', '=', device)
      .returning('device_id')
      .execute();
    return rows.length > 0;
  },
};

function selectWithStatus(db: Kysely<Schema>) {
  return db
    .selectFrom('devices as d')
    .leftJoin('device_status as s', (j) =>
      j.onRef('s.site_id', '=', 'd.site_id').onRef('s.device_id', '=', 'd.device_id'),
    )
    .select(['d.site_id', 'd.device_id', 'd.kind', 'd.created_at', ...STATUS_COLUMNS]);
}

type JoinedRow = Awaited<
  ReturnType<ReturnType<typeof selectWithStatus>['executeTakeFirstOrThrow']>
>;

function recordFromRow(r: JoinedRow): DeviceRecord {
  return {
    site: r.site_id,
    device: r.device_id,
    kind: r.kind as DeviceKind,
    createdAt: r.created_at,
    status: statusFromJoin(r),
  };
}
