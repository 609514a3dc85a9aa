import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';
import { MeterRole, type MeterKey } from './meter-role.js';

/** A meter whose role was set. */
export interface MeterRoleRecord extends MeterKey {
  readonly role: MeterRole;
  readonly label: string | null;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

/** Queries on `energy_meters`; every function takes a Kysely instance or a transaction. */
export const meterRoleStore = {
  /** Every assigned meter, optionally of one site, ordered by site, device and meter. */
  async list(db: Kysely<Schema>, site?: string): Promise<MeterRoleRecord[]> {
    let q = db.selectFrom('energy_meters').selectAll();
    if (site !== undefined) q = q.where('site_id', '=', site);
    const rows = await q.orderBy('site_id').orderBy('device_id').orderBy('meter_id').execute();
    return rows.map((r) => ({
      site: r.site_id,
      device: r.device_id,
      meter: r.meter_id,
      // The check constraint admits only these; parse anyway rather than cast.
      role: MeterRole.parse(r.role),
      label: r.label,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
  },

  /** Sets a meter's role and label, replacing what it had. */
  async upsert(db: Kysely<Schema>, record: MeterRoleRecord): Promise<void> {
    await db
      .insertInto('energy_meters')
      .values({
        site_id: record.site,
        device_id: record.device,
        meter_id: record.meter,
        role: record.role,
        label: record.label,
        updated_at: record.updatedAt,
        updated_by: record.updatedBy,
      })
      .onConflict((oc) =>
        oc.columns(['site_id', 'device_id', 'meter_id']).doUpdateSet({
          role: record.role,
          label: record.label,
          updated_at: record.updatedAt,
          updated_by: record.updatedBy,
        }),
      )
      .execute();
  },

  /** Forgets a meter's role; true when it had one. */
  async remove(db: Kysely<Schema>, meter: MeterKey): Promise<boolean> {
    const result = await db
      .deleteFrom('energy_meters')
      .where('site_id', '=', meter.site)
      .where('device_id', '=', meter.device)
      .where('meter_id', '=', meter.meter)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  },
};
