import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../storage/schema.js';
import type { LightingNightsTable, LightingZoneLevelsTable } from './lighting-tables.js';

/** A zone's level as its controller last reported it. */
export interface ZoneLevel {
  readonly site: string;
  readonly device: string;
  readonly zone: string;
  readonly level: number;
  readonly mode: string;
  readonly reasons: readonly string[];
  /** The event's time, by the controller's clock. */
  readonly changedAt: number;
  readonly seq: number;
  readonly receivedAt: number;
}

/** One zone's night summary. */
export interface ZoneNight {
  readonly site: string;
  readonly device: string;
  readonly zone: string;
  readonly night: string;
  readonly energyWh: number;
  readonly baselineWh: number;
  readonly savingsPct: number;
  readonly litHours: number;
  readonly minLevel: number | null;
  readonly seq: number;
  readonly receivedAt: number;
}

/** Queries on `lighting_zone_levels` and `lighting_nights`. */
export const lightingStore = {
  /**
   * Stores a zone's level unless a later event (by the controller's seq) is stored already: a
   * batch handed over again, or an older event replayed from the outbox, changes nothing.
   */
  async upsertLevel(db: Kysely<Schema>, l: ZoneLevel): Promise<void> {
    const values = {
      level: l.level,
      mode: l.mode,
      reasons: JSON.stringify(l.reasons),
      changed_at: l.changedAt,
      seq: l.seq,
      received_at: l.receivedAt,
    };
    await db
      .insertInto('lighting_zone_levels')
      .values({ site_id: l.site, device_id: l.device, zone_id: l.zone, ...values })
      .onConflict((oc) =>
        oc
          .columns(['site_id', 'device_id', 'zone_id'])
          .doUpdateSet(values)
          .where('lighting_zone_levels.seq', '<', l.seq),
      )
      .execute();
  },

  /** A controller's zones' levels, by zone id. */
  async levels(db: Kysely<Schema>, site: string, device: string): Promise<ZoneLevel[]> {
    const rows = await db
      .selectFrom('lighting_zone_levels')
      .selectAll()
      .where('site_id', '=', site)
      .where('device_id', '=', device)
      .orderBy('zone_id')
      .execute();
    return rows.map(levelFromRow);
  },

  /** Stores a night summary; a summary of the same night sent again later replaces it. */
  async upsertNight(db: Kysely<Schema>, n: ZoneNight): Promise<void> {
    const values = {
      energy_wh: n.energyWh,
      baseline_wh: n.baselineWh,
      savings_pct: n.savingsPct,
      lit_hours: n.litHours,
      min_level: n.minLevel,
      seq: n.seq,
      received_at: n.receivedAt,
    };
    await db
      .insertInto('lighting_nights')
      .values({ site_id: n.site, device_id: n.device, zone_id: n.zone, night: n.night, ...values })
      .onConflict((oc) =>
        oc
          .columns(['site_id', 'device_id', 'zone_id', 'night'])
          .doUpdateSet(values)
          .where('lighting_nights.seq', '<', n.seq),
      )
      .execute();
  },

  /** The summaries of the nights `from` to `to` (both included), optionally of one site. */
  async nights(
    db: Kysely<Schema>,
    range: { readonly from: string; readonly to: string; readonly site?: string | undefined },
  ): Promise<ZoneNight[]> {
    let q = db
      .selectFrom('lighting_nights')
      .selectAll()
      .where('night', '>=', range.from)
      .where('night', '<=', range.to);
    if (range.site !== undefined) q = q.where('site_id', '=', range.site);
    const rows = await q
      .orderBy('night')
      .orderBy('site_id')
      .orderBy('device_id')
      .orderBy('zone_id')
      .execute();
    return rows.map(nightFromRow);
  },

  /** The latest night with a summary, optionally of one site; undefined when there is none. */
  async latestNight(db: Kysely<Schema>, site?: string): Promise<string | undefined> {
    let q = db.selectFrom('lighting_nights').select((eb) => eb.fn.max('night').as('night'));
    if (site !== undefined) q = q.where('site_id', '=', site);
    const row = await q.executeTakeFirst();
    return row?.night ?? undefined;
  },
};

function levelFromRow(r: Selectable<LightingZoneLevelsTable>): ZoneLevel {
  return {
    site: r.site_id,
    device: r.device_id,
    zone: r.zone_id,
    level: r.level,
    mode: r.mode,
    reasons: JSON.parse(r.reasons) as string[],
    changedAt: r.changed_at,
    seq: r.seq,
    receivedAt: r.received_at,
  };
}

function nightFromRow(r: Selectable<LightingNightsTable>): ZoneNight {
  return {
    site: r.site_id,
    device: r.device_id,
    zone: r.zone_id,
    night: r.night,
    energyWh: r.energy_wh,
    baselineWh: r.baseline_wh,
    savingsPct: r.savings_pct,
    litHours: r.lit_hours,
    minLevel: r.min_level,
    seq: r.seq,
    receivedAt: r.received_at,
  };
}
