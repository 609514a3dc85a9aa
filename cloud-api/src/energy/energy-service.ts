import type { Clock } from '@hameau/protocol';
import type { Aggregate, Resolution, TimeSeriesStore } from '../timeseries/time-series-store.js';
import { CounterReader } from './counter-reader.js';
import { EXPORT_COUNTER, IMPORT_COUNTER, POWER } from './energy-definitions.js';
import type { EnergySettings } from './energy-settings.js';
import { greenShares, sumSeries } from './green-share.js';
import type { MeterRoleService } from './meter-role-service.js';
import { meterKeyOf, tagsOfMeter, type MeterKey, type MeterRole } from './meter-role.js';
import { meterPeriods, type MeterPeriods } from './meter-periods.js';
import type { MeterPeriodEnergy } from './period-energy.js';
import { meterQuarters, QUARTER_MS } from './quarter-energy.js';
import {
  TownCalendar,
  type CalendarPeriod,
  type CalendarSpan,
  type LocalDate,
} from './town-calendar.js';

/** The whole town, or one site. */
export interface EnergyScope {
  readonly site?: string | undefined;
}

/** Energy of several meters over one period. */
export interface EnergyFigure {
  /** kWh; null when no meter of the kind has a reading in the period. */
  readonly kwh: number | null;
  readonly partial: boolean;
  /** Mean coverage of the meters counted, 0-1. */
  readonly coverage: number;
  /** How many meters the figure adds up. */
  readonly meters: number;
}

/** The figures of one period. */
export interface PeriodFigures extends CalendarSpan {
  /** The period has not ended: figures are up to now. */
  readonly inProgress: boolean;
  readonly consumption: EnergyFigure;
  readonly production: EnergyFigure;
  /** Null when the scope has no grid meter. */
  readonly gridImport: EnergyFigure | null;
  readonly gridExport: EnergyFigure | null;
}

/** One meter's counters per period. */
export interface MeterPeriodFigures extends CalendarSpan {
  readonly inProgress: boolean;
  readonly import: MeterPeriodEnergy;
  readonly export: MeterPeriodEnergy;
}

/** Power now, W. */
export interface PowerNow {
  readonly at: number;
  /** Null when no fresh reading of the kind. */
  readonly consumptionW: number | null;
  readonly productionW: number | null;
  readonly gridW: number | null;
  readonly freshMeters: number;
  readonly staleMeters: number;
}

/** Green share per quarter hour over [from, to). */
export interface GreenShareSeries {
  readonly from: number;
  readonly to: number;
  /** Start of each quarter. */
  readonly times: number[];
  readonly share: (number | null)[];
  readonly consumption: (number | null)[];
  readonly production: (number | null)[];
  readonly gridImport: (number | null)[];
  /** True when grid import was measured by a grid meter, false when estimated. */
  readonly gridMetered: boolean;
  readonly overall: number | null;
}

/** A history chart: which periods it shows. */
export type HistoryRange = 'day' | 'week' | 'month';

const EMPTY: MeterPeriodEnergy = { kwh: null, partial: true, coverage: 0 };
/** How far back "now" looks for meters' readings: a day, the longest `staleAfterSeconds`. */
const NOW_LOOKBACK_MS = 86_400_000;

/**
 * The town's energy figures from the meters' series: kWh per period from counters, green
 * share per quarter hour, power now. Reads the time-series store only; meter roles come from
 * the roles service.
 */
export class EnergyService {
  readonly calendar: TownCalendar;
  readonly settings: EnergySettings;
  readonly #store: TimeSeriesStore;
  readonly #reader: CounterReader;
  readonly #roles: MeterRoleService;
  readonly #clock: Clock;

  constructor(deps: {
    readonly store: TimeSeriesStore;
    readonly roles: MeterRoleService;
    readonly clock: Clock;
    readonly settings: EnergySettings;
  }) {
    this.settings = deps.settings;
    this.calendar = new TownCalendar(deps.settings.timeZone);
    this.#store = deps.store;
    this.#reader = new CounterReader(deps.store, deps.settings.measurement);
    this.#roles = deps.roles;
    this.#clock = deps.clock;
  }

  /** The current time, by the injected clock. */
  currentTime(): number {
    return this.#clock.now();
  }

  /**
   * The periods from the one holding local date `from` to the one holding `to`, both included,
   * leaving out those not begun yet.
   */
  periods(period: CalendarPeriod, from: LocalDate, to: LocalDate): CalendarSpan[] {
    const now = this.#clock.now();
    const end = this.calendar.nextStart(this.calendar.startOf(to), 'day');
    return this.calendar
      .spans(this.calendar.startOf(from), end, period)
      .filter((s) => s.start < now);
  }

  /** Consumption, production and grid flows of a scope, per period. */
  async kwh(scope: EnergyScope, spans: readonly CalendarSpan[]): Promise<PeriodFigures[]> {
    const now = this.#clock.now();
    const roles = await this.#roles.roles(scope.site);
    const roleOf = (m: MeterKey): MeterRole => roles.get(meterKeyOf(m)) ?? 'consumption';
    const hasGrid = [...roles.values()].includes('grid');
    const tags = scopeTags(scope);
    const imports = await meterPeriods(this.#reader, {
      field: IMPORT_COUNTER,
      tags,
      spans,
      now,
      keep: (m) => roleOf(m) !== 'production',
    });
    const exports = await meterPeriods(this.#reader, {
      field: EXPORT_COUNTER,
      tags,
      spans,
      now,
      keep: (m) => roleOf(m) !== 'consumption',
    });
    const of = (map: Map<string, MeterPeriods>, role: MeterRole, i: number) =>
      [...map.values()].filter((m) => roleOf(m.meter) === role).map((m) => m.periods[i] ?? EMPTY);
    return spans.map((span, i) => ({
      ...span,
      inProgress: span.end > now,
      consumption: sumFigures(of(imports, 'consumption', i)),
      production: sumFigures(of(exports, 'production', i)),
      gridImport: hasGrid ? sumFigures(of(imports, 'grid', i)) : null,
      gridExport: hasGrid ? sumFigures(of(exports, 'grid', i)) : null,
    }));
  }

  /** One meter's import and export counters per period, whatever its role. */
  async meterKwh(meter: MeterKey, spans: readonly CalendarSpan[]): Promise<MeterPeriodFigures[]> {
    const now = this.#clock.now();
    const key = meterKeyOf(meter);
    const read = async (field: string) =>
      (
        await meterPeriods(this.#reader, {
          field,
          tags: tagsOfMeter(meter),
          spans,
          now,
          keep: () => true,
        })
      ).get(key)?.periods ?? [];
    const imports = await read(IMPORT_COUNTER);
    const exports = await read(EXPORT_COUNTER);
    return spans.map((span, i) => ({
      ...span,
      inProgress: span.end > now,
      import: imports[i] ?? EMPTY,
      export: exports[i] ?? EMPTY,
    }));
  }

  /** The green share of each quarter hour of [from, to), cut at now. */
  async greenShare(scope: EnergyScope, from: number, to: number): Promise<GreenShareSeries> {
    const now = this.#clock.now();
    const start = Math.floor(from / QUARTER_MS) * QUARTER_MS;
    const end = Math.max(start, Math.ceil(Math.min(to, now) / QUARTER_MS) * QUARTER_MS);
    const roles = await this.#roles.roles(scope.site);
    const roleOf = (m: MeterKey): MeterRole => roles.get(meterKeyOf(m)) ?? 'consumption';
    const hasGrid = [...roles.values()].includes('grid');
    const tags = scopeTags(scope);
    const count = (end - start) / QUARTER_MS;
    const imports = await meterQuarters(this.#reader, {
      field: IMPORT_COUNTER,
      tags,
      from: start,
      to: end,
      keep: (m) => roleOf(m) !== 'production',
    });
    const exports = await meterQuarters(this.#reader, {
      field: EXPORT_COUNTER,
      tags,
      from: start,
      to: end,
      keep: (m) => roleOf(m) === 'production',
    });
    const of = (map: typeof imports, role: MeterRole) =>
      sumSeries(
        [...map.values()].filter((m) => roleOf(m.meter) === role).map((m) => m.kwh),
        count,
      );
    const consumption = of(imports, 'consumption');
    const production = of(exports, 'production');
    const shares = greenShares(
      { consumption, production, gridImport: hasGrid ? of(imports, 'grid') : null },
      this.settings.gridRenewableShare,
    );
    return {
      from: start,
      to: end,
      times: Array.from({ length: count }, (_, i) => start + i * QUARTER_MS),
      share: shares.share,
      consumption,
      production,
      gridImport: shares.gridImport,
      gridMetered: hasGrid,
      overall: shares.overall,
    };
  }

  /** Power now from each meter's latest `power_w`, leaving out stale readings. */
  async now(scope: EnergyScope): Promise<PowerNow> {
    const now = this.#clock.now();
    const roles = await this.#roles.roles(scope.site);
    const staleBefore = now - this.settings.staleAfterSeconds * 1000;
    const sums: Record<MeterRole, number | null> = {
      consumption: null,
      production: null,
      grid: null,
    };
    let fresh = 0;
    let stale = 0;
    for (const latest of await this.#store.latest(
      this.settings.measurement,
      POWER,
      scopeTags(scope),
      // Bounded, or InfluxDB reads every meter back to its first reading; a meter silent for
      // longer than this is off the air rather than stale (the meters list still shows it).
      { since: now - NOW_LOOKBACK_MS },
    )) {
      const { site, device, source } = latest.tags;
      if (!site || !device || !source) continue;
      if (latest.time < staleBefore) {
        stale++;
        continue;
      }
      fresh++;
      const role = roles.get(meterKeyOf({ site, device, meter: source })) ?? 'consumption';
      // Production meters see production as export: negative power.
      const watts = role === 'production' ? Math.max(-latest.value, 0) : latest.value;
      sums[role] = (sums[role] ?? 0) + watts;
    }
    return {
      at: now,
      consumptionW: sums.consumption,
      productionW: sums.production,
      gridW: sums.grid,
      freshMeters: fresh,
      staleMeters: stale,
    };
  }

  /** The periods a history chart shows: today by hour, or the last 7 or 30 days by day. */
  historySpans(range: HistoryRange): CalendarSpan[] {
    const today = this.calendar.periodStart(this.#clock.now(), 'day');
    const tomorrow = this.calendar.nextStart(today, 'day');
    switch (range) {
      case 'day':
        return this.calendar.spans(today, tomorrow, 'hour');
      case 'week':
        return this.calendar.spans(this.calendar.shift(today, 'day', 6), tomorrow, 'day');
      case 'month':
        return this.calendar.spans(this.calendar.shift(today, 'day', 29), tomorrow, 'day');
    }
  }

  /** One quantity of one meter as a chart series. */
  async meterSeries(
    meter: MeterKey,
    q: {
      readonly quantity: string;
      readonly from: number;
      readonly to: number;
      readonly resolution: Resolution | 'auto';
      readonly aggregate: Aggregate;
    },
  ): Promise<{ resolution: Resolution; points: [number, number][] }> {
    const result = await this.#store.query({
      measurement: this.settings.measurement,
      field: q.quantity,
      tags: tagsOfMeter(meter),
      from: q.from,
      to: q.to,
      resolution: q.resolution,
      aggregate: q.aggregate,
    });
    return { resolution: result.resolution, points: result.series[0]?.points ?? [] };
  }
}

function scopeTags(scope: EnergyScope): Record<string, string> {
  return scope.site === undefined ? {} : { site: scope.site };
}

/** Adds meters' figures: kWh of those with data, partial if any is, mean coverage. */
export function sumFigures(figures: readonly MeterPeriodEnergy[]): EnergyFigure {
  const counted = figures.filter((f) => f.kwh !== null);
  if (figures.length === 0) return { kwh: null, partial: false, coverage: 0, meters: 0 };
  return {
    kwh: counted.length === 0 ? null : counted.reduce((sum, f) => sum + (f.kwh ?? 0), 0),
    partial: figures.some((f) => f.partial),
    coverage: figures.reduce((sum, f) => sum + f.coverage, 0) / figures.length,
    meters: counted.length,
  };
}
