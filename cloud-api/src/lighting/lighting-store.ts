import type { Kysely, Selectable } from 'kysely';
import { upsertUnlessLater } from './upsert-unless-later.js';
import type { Schema } from '../storage/schema.js';
import type {
  LightingNightsTable,
  LightingTonightTable,
  LightingZoneLevelsTable,
} from './lighting-tables.js';

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

/** One zone's night in progress, so far, as its controller's telemetry last carried it. */
export interface ZoneTonight {
  readonly site: string;
  readonly device: string;
  readonly zone: string;
  readonly night: string;
  /** Switch-on and planned switch-off, ms. */
  readonly since: number | null;
  readonly until: number | null;
  readonly energyWh: number;
  readonly baselineWh: number;
  readonly savingsPct: number;
  readonly litHours: number;
  readonly minLevel: number | null;
  readonly coveredHours: number;
  /** The report's time, by the controller's clock. */
  readonly at: number;
  readonly seq: number;
  readonly receivedAt: number;
}

/** Queries on `lighting_zone_levels`, `lighting_nights` and `lighting_tonight`. */
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
    const key = { site_id: l.site, device_id: l.device, zone_id: l.zone };
    await upsertUnlessLater(db, 'lighting_zone_levels', key, values);
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
    const values = { ...figureColumns(n), seq: n.seq, received_at: n.receivedAt };
    const key = { site_id: n.site, device_id: n.device, zone_id: n.zone, night: n.night };
    await upsertUnlessLater(db, 'lighting_nights', key, values);
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

  /** Stores a zone's night so far unless a later report (by the controller's seq) is stored. */
  async upsertTonight(db: Kysely<Schema>, t: ZoneTonight): Promise<void> {
    const values = {
      night: t.night,
      since: t.since,
      until: t.until,
      ...figureColumns(t),
      covered_hours: t.coveredHours,
      at: t.at,
      seq: t.seq,
      received_at: t.receivedAt,
    };
    const key = { site_id: t.site, device_id: t.device, zone_id: t.zone };
    await upsertUnlessLater(db, 'lighting_tonight', key, values);
  },

  /**
   * The zones' nights so far that no summary has closed yet (a zone whose night was summed up
   * is out), optionally of one site.
   */
  async tonight(db: Kysely<Schema>, site?: string): Promise<ZoneTonight[]> {
    let q = db
      .selectFrom('lighting_tonight as t')
      .selectAll('t')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('lighting_nights as n')
              .select('n.night')
              .whereRef('n.site_id', '=', 't.site_id')
              .whereRef('n.device_id', '=', 't.device_id')
              .whereRef('n.zone_id', '=', 't.zone_id')
              .whereRef('n.night', '=', 't.night'),
          ),
        ),
      );
    if (site !== undefined) q = q.where('t.site_id', '=', site);
    const rows = await q.orderBy('t.site_id').orderBy('t.device_id').orderBy('t.zone_id').execute();
    return rows.map(tonightFromRow);
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
    ...figuresFromRow(r),
    seq: r.seq,
    receivedAt: r.received_at,
  };
}

function tonightFromRow(r: Selectable<LightingTonightTable>): ZoneTonight {
  return {
    site: r.site_id,
    device: r.device_id,
    zone: r.zone_id,
    night: r.night,
    since: r.since,
    until: r.until,
    ...figuresFromRow(r),
    coveredHours: r.covered_hours,
    at: r.at,
    seq: r.seq,
    receivedAt: r.received_at,
  };
}

/** A zone's figures for a night, whole or so far: what a summary and tonight's row share. */
type NightFigures = Pick<
  ZoneNight,
  'energyWh' | 'baselineWh' | 'savingsPct' | 'litHours' | 'minLevel'
>;
type NightFigureColumns = Pick<
  LightingNightsTable,
  'energy_wh' | 'baseline_wh' | 'savings_pct' | 'lit_hours' | 'min_level'
>;

function figureColumns(f: NightFigures): NightFigureColumns {
  return {
    energy_wh: f.energyWh,
    baseline_wh: f.baselineWh,
    savings_pct: f.savingsPct,
    lit_hours: f.litHours,
    min_level: f.minLevel,
  };
}

function figuresFromRow(r: NightFigureColumns): NightFigures {
  return {
    energyWh: r.energy_wh,
    baselineWh: r.baseline_wh,
    savingsPct: r.savings_pct,
    litHours: r.lit_hours,
    minLevel: r.min_level,
  };
}
