import { z } from 'zod';
import { DeviceId, QuantityName, SiteId } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import { AGGREGATES, RESOLUTIONS } from '../timeseries/time-series-store.js';
import type { EnergyFigure, MeterPeriodFigures, PeriodFigures } from './energy-service.js';
import type { MeterListing } from './meter-role-service.js';
import { ListedRole, MeterRole } from './meter-role.js';
import type { MeterPeriodEnergy } from './period-energy.js';
import { parseDate } from './town-calendar.js';

export { SetMeterRoleInput as SetMeterRoleBody } from './meter-role-service.js';

const LocalDateParam = z
  .string()
  .refine((s) => parseDate(s) !== undefined, 'must be a date YYYY-MM-DD')
  .describe("A date of the town's calendar, YYYY-MM-DD");

const ScopeParam = z
  .string()
  .regex(/^(town|site:[a-z0-9-]{1,40})$/, 'must be `town` or `site:<site id>`')
  .default('town')
  .describe('`town` (every meter) or `site:<site id>`');

export const ScopeQuery = z.object({ scope: ScopeParam }).strict();

export const KwhQuery = z
  .object({
    period: z.enum(['day', 'week', 'month']).default('day'),
    from: LocalDateParam.optional().describe(
      'The first period is the one holding this date; default: the period before `to`’s',
    ),
    to: LocalDateParam.optional().describe('The last period holds this date; default: today'),
    scope: ScopeParam,
  })
  .strict();

export const GreenShareQuery = z
  .object({
    from: LocalDateParam.optional().describe('First day (local); default: today'),
    to: LocalDateParam.optional().describe('Last day, included; default: `from`'),
    scope: ScopeParam,
  })
  .strict();

export const HistoryQuery = z
  .object({
    range: z
      .enum(['day', 'week', 'month'])
      .default('day')
      .describe('`day`: today by hour; `week`, `month`: the last 7 or 30 days by day'),
    scope: ScopeParam,
  })
  .strict();

export const MeterParams = z
  .object({ site: SiteId, device: DeviceId, meter: z.string().min(1).max(64) })
  .strict();

export const MeterListQuery = z.object({ site: SiteId.optional() }).strict();

export const MeterKwhQuery = KwhQuery.omit({ scope: true });

export const MeterSeriesQuery = z
  .object({
    quantity: QuantityName.default('power_w').describe('A quantity of docs/metering.md'),
    from: IsoTime.optional().describe('Default: 24 hours before `to`'),
    to: IsoTime.optional().describe('Default: now'),
    resolution: z.enum([...RESOLUTIONS, 'auto']).default('auto'),
    aggregate: z.enum(AGGREGATES).default('mean'),
  })
  .strict();

const Kwh = z.number().nullable();
const Coverage = z.number().min(0).max(1);

const EnergyFigureView = z
  .object({
    kwh: Kwh.describe('Null when no meter of the kind has a reading in the period'),
    partial: z.boolean().describe('A boundary lacked a reading: the nearest one inside was used'),
    coverage: Coverage.describe('Share of the period between the readings used, mean of meters'),
    meters: z.number().int().describe('Meters added up'),
  })
  .strict()
  .register(apiSchemas, { id: 'EnergyFigure' });

const PeriodView = z
  .object({
    label: z.string().describe('`2026-11-25` (day; week: its Monday), `2026-11` (month)'),
    start: IsoTime,
    end: IsoTime,
    inProgress: z.boolean().describe('The period runs: figures are up to now'),
    consumption: EnergyFigureView,
    production: EnergyFigureView,
    gridImport: EnergyFigureView.nullable().describe('Null without a grid meter'),
    gridExport: EnergyFigureView.nullable(),
  })
  .strict();

export const KwhView = z
  .object({
    scope: z.string(),
    period: z.enum(['day', 'week', 'month']),
    timeZone: z.string(),
    periods: z.array(PeriodView),
  })
  .strict()
  .register(apiSchemas, { id: 'EnergyKwh' });

export const NowView = z
  .object({
    scope: z.string(),
    at: IsoTime,
    consumptionW: z.number().nullable(),
    productionW: z.number().nullable(),
    gridW: z.number().nullable().describe('Grid meters’ power, import positive; null without'),
    meters: z
      .object({ fresh: z.number().int(), stale: z.number().int() })
      .strict()
      .describe('Meters counted, and meters left out for an old reading'),
    staleAfterSeconds: z.number().int(),
  })
  .strict()
  .register(apiSchemas, { id: 'EnergyNow' });

/** uPlot's data layout: the times (Unix seconds) first, then one array per series. */
const ChartData = z
  .array(z.array(z.number().nullable()))
  .describe('`[times (Unix seconds), …one array per series]`, as uPlot takes it');

export const GreenShareView = z
  .object({
    scope: z.string(),
    from: IsoTime,
    to: IsoTime,
    stepMinutes: z.literal(15),
    gridRenewableShare: z.number(),
    gridMetered: z
      .boolean()
      .describe(
        'Grid import measured by a grid meter; false: estimated as consumption − production',
      ),
    overall: z.number().nullable().describe('Σ green energy / Σ consumption over the span'),
    series: z.array(z.string()),
    data: ChartData,
    definition: z.string(),
  })
  .strict()
  .register(apiSchemas, { id: 'EnergyGreenShare' });

export const HistoryView = z
  .object({
    scope: z.string(),
    range: z.enum(['day', 'week', 'month']),
    step: z.enum(['hour', 'day']),
    timeZone: z.string(),
    unit: z.literal('kWh'),
    series: z.array(z.string()),
    data: ChartData,
  })
  .strict()
  .register(apiSchemas, { id: 'EnergyHistory' });

export const DefinitionsView = z
  .object({
    timeZone: z.string(),
    greenShare: z
      .object({
        formula: z.string(),
        text: z.string(),
        gridRenewableShare: z.number(),
        gridRenewableShareSource: z.string(),
        stepMinutes: z.number().int(),
      })
      .strict(),
    counters: z.string(),
    partial: z.string(),
    roles: z.string(),
    now: z.string(),
  })
  .strict()
  .register(apiSchemas, { id: 'EnergyDefinitions' });

export const MeterView = z
  .object({
    site: SiteId,
    device: DeviceId,
    meter: z.string(),
    role: ListedRole,
    countedAs: MeterRole.describe('Unassigned meters count as consumption'),
    label: z.string().nullable(),
    lastSeenAt: IsoTime.nullable().describe('Its newest energy reading; null if none'),
  })
  .strict()
  .register(apiSchemas, { id: 'EnergyMeter' });

export const MeterList = z.object({ meters: z.array(MeterView) }).strict();

const MeterEnergyView = z.object({ kwh: Kwh, partial: z.boolean(), coverage: Coverage }).strict();

export const MeterKwhView = z
  .object({
    site: SiteId,
    device: DeviceId,
    meter: z.string(),
    period: z.enum(['day', 'week', 'month']),
    timeZone: z.string(),
    periods: z.array(
      z
        .object({
          label: z.string(),
          start: IsoTime,
          end: IsoTime,
          inProgress: z.boolean(),
          import: MeterEnergyView.describe('`energy_import_kwh`'),
          export: MeterEnergyView.describe('`energy_export_kwh`'),
        })
        .strict(),
    ),
  })
  .strict();

export const MeterSeriesView = z
  .object({
    quantity: z.string(),
    resolution: z.enum(RESOLUTIONS),
    data: ChartData,
  })
  .strict();

/** Rounds kWh to the Wh, shares and coverages to 1e-4: figures, not float noise. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const kwh = (v: number | null) => (v === null ? null : round(v, 3));

export function figureView(f: EnergyFigure): z.output<typeof EnergyFigureView> {
  return { kwh: kwh(f.kwh), partial: f.partial, coverage: round(f.coverage, 4), meters: f.meters };
}

export function periodView(p: PeriodFigures): z.output<typeof PeriodView> {
  return {
    label: p.label,
    start: isoTime(p.start),
    end: isoTime(p.end),
    inProgress: p.inProgress,
    consumption: figureView(p.consumption),
    production: figureView(p.production),
    gridImport: p.gridImport && figureView(p.gridImport),
    gridExport: p.gridExport && figureView(p.gridExport),
  };
}

function meterEnergyView(e: MeterPeriodEnergy): z.output<typeof MeterEnergyView> {
  return { kwh: kwh(e.kwh), partial: e.partial, coverage: round(e.coverage, 4) };
}

export function meterPeriodView(
  p: MeterPeriodFigures,
): z.output<typeof MeterKwhView>['periods'][number] {
  return {
    label: p.label,
    start: isoTime(p.start),
    end: isoTime(p.end),
    inProgress: p.inProgress,
    import: meterEnergyView(p.import),
    export: meterEnergyView(p.export),
  };
}

export function meterView(m: MeterListing): z.output<typeof MeterView> {
  return {
    site: m.site,
    device: m.device,
    meter: m.meter,
    role: m.role,
    countedAs: m.countedAs,
    label: m.label,
    lastSeenAt: isoTimeOrNull(m.lastSeenAt),
  };
}

/** Rounds a chart series' values to `digits`, keeping nulls. */
export function chartValues(values: readonly (number | null)[], digits: number): (number | null)[] {
  return values.map((v) => (v === null ? null : round(v, digits)));
}

/** Unix seconds, as uPlot's x axis takes them. */
export function chartTimes(times: readonly number[]): number[] {
  return times.map((t) => t / 1000);
}
