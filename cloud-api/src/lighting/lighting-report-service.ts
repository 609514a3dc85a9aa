import type { Kysely } from 'kysely';
import { parseIsoDate, type Clock } from '@hameau/protocol';
import { validationFailed } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import type { Resolution, TimeSeriesStore } from '../timeseries/time-series-store.js';
import type { ControllerKey } from './lighting-config-service.js';
import {
  lightingStore,
  type ZoneLevel,
  type ZoneNight,
  type ZoneTonight,
} from './lighting-store.js';
import { controllerZoneNames } from './zone-names.js';

/** The telemetry stream lighting controllers report their zones on (source: the zone id). */
export const LIGHTING_STREAM = 'lighting';
/** The fields of that stream the history shows, in this order. */
export const LIGHTING_FIELDS = ['level', 'expected_power_w', 'measured_power_w'] as const;
/** The nights the savings show by default, up to the latest summarised one. */
export const DEFAULT_SAVINGS_NIGHTS = 7;
/** The most nights one savings request may span. */
export const MAX_SAVINGS_NIGHTS = 366;

const DAY_MS = 86_400_000;
/**
 * A night without a planned switch-off (none in France, but the schema allows it) counts as in
 * progress while its zones reported within this: controllers report at least every
 * `reportMinutes`, at most 60.
 */
export const TONIGHT_FRESH_MS = 65 * 60_000;

/** Energy against full power, summed over zones or nights. */
export interface Savings {
  readonly energyWh: number;
  readonly baselineWh: number;
  readonly savingsWh: number;
  /** `100 × (baseline − energy) / baseline`; null when the baseline is 0 (nothing to light). */
  readonly savingsPct: number | null;
}

/** One night of the town (or a site): its total and each zone's summary. */
export interface NightSavings extends Savings {
  readonly night: string;
  readonly zones: readonly ZoneNight[];
}

/** The night in progress, so far: the zones whose controllers report it, and their total. */
export interface TonightSavings extends Savings {
  readonly night: string;
  /** The earliest switch-on of its zones, ms; null when none was given. */
  readonly since: number | null;
  /** The latest planned switch-off of its zones, ms. */
  readonly until: number | null;
  /** The newest report among its zones, ms (controllers' clocks). */
  readonly at: number;
  readonly zones: readonly ZoneTonight[];
}

/** The savings of a range of nights. */
export interface SavingsReport {
  /** Null when no controller has summarised a night yet (and none was asked for). */
  readonly from: string | null;
  readonly to: string | null;
  readonly nights: readonly NightSavings[];
  readonly total: Savings;
}

/** One zone's history: `[time, value | null]` aligned on `times`, one array per field. */
export interface ZoneHistory {
  readonly zone: string;
  readonly times: readonly number[];
  readonly fields: Readonly<Record<(typeof LIGHTING_FIELDS)[number], readonly (number | null)[]>>;
}

export interface LightingReportServiceDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly timeSeries: TimeSeriesStore;
}

/**
 * What the dashboards read about the lighting: each zone's level with its reason trace, the
 * nights' savings against full power (town totals and per zone), and levels and power over time
 * from the time-series store.
 */
export class LightingReportService {
  readonly #d: LightingReportServiceDeps;

  constructor(deps: LightingReportServiceDeps) {
    this.#d = deps;
  }

  /** A controller's zones at their last reported level, with why. */
  levels(key: ControllerKey): Promise<ZoneLevel[]> {
    return lightingStore.levels(this.#d.db, key.site, key.device);
  }

  /** A controller's zone names by id, from its configuration (`controllerZoneNames`). */
  zoneNames(key: ControllerKey): Promise<ReadonlyMap<string, string>> {
    return controllerZoneNames(this.#d.db, key);
  }

  /**
   * The nights `from` to `to` (`YYYY-MM-DD`, both included): by default the last
   * `DEFAULT_SAVINGS_NIGHTS` up to the latest night summarised. Nights without any summary are
   * left out.
   */
  async savings(q: {
    readonly from?: string | undefined;
    readonly to?: string | undefined;
    readonly site?: string | undefined;
  }): Promise<SavingsReport> {
    const to = q.to ?? (await lightingStore.latestNight(this.#d.db, q.site));
    if (to === undefined) {
      return { from: q.from ?? null, to: null, nights: [], total: sum([]) };
    }
    const toDay = parseIsoDate(to);
    const fromDay =
      q.from === undefined ? toDay - (DEFAULT_SAVINGS_NIGHTS - 1) : parseIsoDate(q.from);
    if (fromDay > toDay) {
      throw validationFailed([{ path: 'querystring.from', message: 'must not be after `to`' }]);
    }
    if (toDay - fromDay + 1 > MAX_SAVINGS_NIGHTS) {
      throw validationFailed([
        { path: 'querystring.from', message: `spans more than ${MAX_SAVINGS_NIGHTS} nights` },
      ]);
    }
    const from = isoDateOf(fromDay);
    const rows = await lightingStore.nights(this.#d.db, { from, to, site: q.site });
    const byNight = new Map<string, ZoneNight[]>();
    for (const row of rows) {
      const list = byNight.get(row.night) ?? [];
      list.push(row);
      byNight.set(row.night, list);
    }
    const nights = [...byNight.entries()].map(([night, zones]) => ({
      night,
      zones,
      ...sum(zones),
    }));
    return { from, to, nights, total: sum(rows) };
  }

  /**
   * The night in progress, so far, of the town (or a site): the zones whose latest report is
   * of a night not over yet (before its switch-off, and not summed up), of the latest such
   * night. Null by day, and before any controller reported one.
   */
  async tonight(q: { readonly site?: string | undefined } = {}): Promise<TonightSavings | null> {
    const now = this.#d.clock.now();
    const running = (await lightingStore.tonight(this.#d.db, q.site)).filter((z) =>
      inProgress(z, now),
    );
    const night = running.reduce<string | null>(
      (latest, z) => (latest === null || z.night > latest ? z.night : latest),
      null,
    );
    if (night === null) return null;
    const zones = running.filter((z) => z.night === night);
    const sinces = zones.flatMap((z) => (z.since === null ? [] : [z.since]));
    const untils = zones.flatMap((z) => (z.until === null ? [] : [z.until]));
    return {
      night,
      since: sinces.length === 0 ? null : Math.min(...sinces),
      until: untils.length === 0 ? null : Math.max(...untils),
      at: Math.max(...zones.map((z) => z.at)),
      zones,
      ...sum(zones),
    };
  }

  /** One controller's zones (or one zone) over `[from, to)`, bucketed as the store chooses. */
  async history(
    key: ControllerKey,
    q: {
      readonly zone?: string | undefined;
      readonly from: number;
      readonly to: number;
      readonly resolution: Resolution | 'auto';
    },
  ): Promise<{ resolution: Resolution; zones: ZoneHistory[] }> {
    const tags: Record<string, string> = { site: key.site, device: key.device };
    if (q.zone !== undefined) tags.source = q.zone;
    const results = await Promise.all(
      LIGHTING_FIELDS.map((field) =>
        this.#d.timeSeries.query({
          measurement: LIGHTING_STREAM,
          field,
          tags,
          from: q.from,
          to: q.to,
          // The level field decides the resolution; the power fields follow it.
          resolution: q.resolution,
          aggregate: 'mean',
          groupBy: ['source'],
        }),
      ),
    );
    const resolution = results[0]?.resolution ?? 'raw';
    const zones = new Map<string, Map<number, (number | null)[]>>();
    results.forEach((result, f) => {
      for (const series of result.series) {
        const zone = series.tags.source ?? '';
        let rows = zones.get(zone);
        if (rows === undefined) {
          rows = new Map();
          zones.set(zone, rows);
        }
        for (const [time, value] of series.points) {
          let row = rows.get(time);
          if (row === undefined) {
            row = LIGHTING_FIELDS.map(() => null);
            rows.set(time, row);
          }
          row[f] = value;
        }
      }
    });
    return {
      resolution,
      zones: [...zones.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([zone, rows]) => {
          const times = [...rows.keys()].sort((a, b) => a - b);
          const column = (f: number) => times.map((t) => rows.get(t)?.[f] ?? null);
          return {
            zone,
            times,
            fields: { level: column(0), expected_power_w: column(1), measured_power_w: column(2) },
          };
        }),
    };
  }

  /** The cloud's time, for the history's default range. */
  now(): number {
    return this.#d.clock.now();
  }
}

/**
 * Whether a zone's night so far is still running at `now`: reported before its switch-off (the
 * report at switch-off closes it), and `now` not past it; without a switch-off, reported lately.
 */
function inProgress(z: ZoneTonight, now: number): boolean {
  if (z.until === null) return now - z.at <= TONIGHT_FRESH_MS;
  return z.at < z.until && now < z.until;
}

function sum(zones: readonly Pick<ZoneNight, 'energyWh' | 'baselineWh'>[]): Savings {
  let energyWh = 0;
  let baselineWh = 0;
  for (const z of zones) {
    energyWh += z.energyWh;
    baselineWh += z.baselineWh;
  }
  return {
    energyWh,
    baselineWh,
    savingsWh: baselineWh - energyWh,
    savingsPct: baselineWh > 0 ? (100 * (baselineWh - energyWh)) / baselineWh : null,
  };
}

function isoDateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
