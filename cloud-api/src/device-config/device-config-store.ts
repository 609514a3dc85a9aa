import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../storage/schema.js';
import type { DesiredConfigRecord, ReportedConfig } from './device-config-record.js';
import { ignoredKeysFromJson } from './ignored-keys.js';
import type { DeviceConfigReportsTable, DeviceConfigsTable } from './device-config-tables.js';

/** A registered device. */
export interface DeviceKey {
  readonly site: string;
  readonly device: string;
}

/** A registered device with its stored report, if any; what the report listener folds into. */
export interface DeviceWithReport extends DeviceKey {
  readonly report: ReportedConfig | null;
}

/** Queries on `device_configs` and `device_config_reports`; each takes a Kysely or a transaction. */
export const deviceConfigStore = {
  async insert(db: Kysely<Schema>, r: DesiredConfigRecord): Promise<void> {
    await db
      .insertInto('device_configs')
      .values({
        site_id: r.site,
        device_id: r.device,
        version: r.version,
        config: JSON.stringify(r.config),
        issued_at: r.issuedAt,
        issued_by: r.issuedBy,
        published_at: r.publishedAt,
      })
      .execute();
  },

  /** The device's newest version, or undefined when it has none. */
  async latest(db: Kysely<Schema>, key: DeviceKey): Promise<DesiredConfigRecord | undefined> {
    const row = await db
      .selectFrom('device_configs')
      .selectAll()
      .where('site_id', '=', key.site)
      .where('device_id', '=', key.device)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && recordFromRow(row);
  },

  /** The device's newest version number; 0 when it has none. */
  async latestVersion(db: Kysely<Schema>, key: DeviceKey): Promise<number> {
    const row = await db
      .selectFrom('device_configs')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('site_id', '=', key.site)
      .where('device_id', '=', key.device)
      .executeTakeFirst();
    return row?.version ?? 0;
  },

  /** The device's versions, newest first, optionally only those older than `before`. */
  async list(
    db: Kysely<Schema>,
    key: DeviceKey,
    page: { readonly limit: number; readonly before?: number | undefined },
  ): Promise<DesiredConfigRecord[]> {
    let q = db
      .selectFrom('device_configs')
      .selectAll()
      .where('site_id', '=', key.site)
      .where('device_id', '=', key.device);
    if (page.before !== undefined) q = q.where('version', '<', page.before);
    const rows = await q.orderBy('version', 'desc').limit(page.limit).execute();
    return rows.map(recordFromRow);
  },

  async markPublished(
    db: Kysely<Schema>,
    key: DeviceKey,
    version: number,
    at: number,
  ): Promise<void> {
    await db
      .updateTable('device_configs')
      .set({ published_at: at })
      .where('site_id', '=', key.site)
      .where('device_id', '=', key.device)
      .where('version', '=', version)
      .execute();
  },

  /**
   * Devices that have a desired configuration, ordered by site and device, `limit` at a time
   * after `after`; with `unpublishedOnly`, only those whose newest version the broker never
   * acknowledged.
   */
  async devicesWithConfig(
    db: Kysely<Schema>,
    page: {
      readonly unpublishedOnly: boolean;
      readonly after?: DeviceKey | undefined;
      readonly limit: number;
    },
  ): Promise<DeviceKey[]> {
    let q = db
      .selectFrom('device_configs as c')
      .select(['c.site_id', 'c.device_id'])
      .where((eb) =>
        eb(
          'c.version',
          '=',
          eb
            .selectFrom('device_configs as m')
            .select((m) => m.fn.max('m.version').as('v'))
            .whereRef('m.site_id', '=', 'c.site_id')
            .whereRef('m.device_id', '=', 'c.device_id'),
        ),
      );
    if (page.unpublishedOnly) q = q.where('c.published_at', 'is', null);
    const after = page.after;
    if (after !== undefined) {
      q = q.where((eb) =>
        eb(eb.refTuple('c.site_id', 'c.device_id'), '>', eb.tuple(after.site, after.device)),
      );
    }
    const rows = await q.orderBy('c.site_id').orderBy('c.device_id').limit(page.limit).execute();
    return rows.map((r) => ({ site: r.site_id, device: r.device_id }));
  },

  async report(db: Kysely<Schema>, key: DeviceKey): Promise<ReportedConfig | undefined> {
    const row = await db
      .selectFrom('device_config_reports')
      .selectAll()
      .where('site_id', '=', key.site)
      .where('device_id', '=', key.device)
      .executeTakeFirst();
    return row && reportFromRow(row);
  },

  /** Every registered device of these sites with its stored report. */
  async devicesWithReports(
    db: Kysely<Schema>,
    sites: readonly string[],
  ): Promise<DeviceWithReport[]> {
    if (sites.length === 0) return [];
    const rows = await db
      .selectFrom('devices as d')
      .leftJoin('device_config_reports as r', (j) =>
        j.onRef('r.site_id', '=', 'd.site_id').onRef('r.device_id', '=', 'd.device_id'),
      )
      .select([
        'd.site_id',
        'd.device_id',
        'r.config_version',
        'r.rejected_version',
        'r.rejected_reason',
        'r.ignored_keys',
        'r.reported_at',
        'r.received_at',
      ])
      .where('d.site_id', 'in', sites)
      .execute();
    return rows.map((r) => ({
      site: r.site_id,
      device: r.device_id,
      report:
        r.reported_at === null || r.received_at === null
          ? null
          : reportFromRow({
              ...r,
              ignored_keys: r.ignored_keys ?? '{}',
              reported_at: r.reported_at,
              received_at: r.received_at,
            }),
    }));
  },

  /**
   * Stores a device's report unless a later one (by arrival at the API) is stored already, so
   * a batch handed over again after a newer one cannot roll the report back.
   */
  async upsertReport(db: Kysely<Schema>, key: DeviceKey, report: ReportedConfig): Promise<void> {
    const values = {
      config_version: report.configVersion,
      rejected_version: report.rejected?.version ?? null,
      rejected_reason: report.rejected?.reason ?? null,
      ignored_keys: JSON.stringify(report.ignoredKeys),
      reported_at: report.at,
      received_at: report.receivedAt,
    };
    await db
      .insertInto('device_config_reports')
      .values({ site_id: key.site, device_id: key.device, ...values })
      .onConflict((oc) =>
        oc
          .columns(['site_id', 'device_id'])
          .doUpdateSet(values)
          .where('device_config_reports.received_at', '<=', report.receivedAt),
      )
      .execute();
  },
};

function recordFromRow(r: Selectable<DeviceConfigsTable>): DesiredConfigRecord {
  return {
    site: r.site_id,
    device: r.device_id,
    version: r.version,
    config: JSON.parse(r.config) as Record<string, unknown>,
    issuedAt: r.issued_at,
    issuedBy: r.issued_by,
    publishedAt: r.published_at,
  };
}

function reportFromRow(
  r: Pick<
    Selectable<DeviceConfigReportsTable>,
    | 'config_version'
    | 'rejected_version'
    | 'rejected_reason'
    | 'ignored_keys'
    | 'reported_at'
    | 'received_at'
  >,
): ReportedConfig {
  return {
    configVersion: r.config_version,
    rejected:
      r.rejected_version === null
        ? null
        : { version: r.rejected_version, reason: r.rejected_reason ?? '' },
    ignoredKeys: ignoredKeysFromJson(r.ignored_keys),
    at: r.reported_at,
    receivedAt: r.received_at,
  };
}
