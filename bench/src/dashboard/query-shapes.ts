import type { EnergyService } from '@hameau/cloud-api';
import { DAY_MS, townMeter } from './town-dataset.js';

/**
 * What one call answered, reduced to what both stores must agree on: `shape` (resolution and
 * sizes) exactly, `values` within rounding.
 */
export interface Answer {
  readonly shape: string;
  readonly values: readonly (number | null)[];
}

/** One call a dashboard makes, as the API's route makes it. */
export interface QueryShape {
  readonly id: string;
  /** What a reader of the table sees. */
  readonly label: string;
  /** The route whose service call this is. */
  readonly route: string;
  run(service: EnergyService): Promise<Answer>;
}

/** The meter the technician's chart shows (the 8th, or the last of a smaller town). */
export function chartedMeter(meters: number) {
  const m = townMeter(Math.min(7, meters - 1));
  return { site: m.site, device: m.device, meter: m.source };
}

/**
 * `GET /energy/meters/{site}/{device}/{meter}/series?quantity=power_w&from=…` for the last
 * `days`: `EnergyService.meterSeries` with the route's defaults (`auto` resolution, mean).
 */
function meterSeries(days: number, meters: number): QueryShape {
  const span = days === 1 ? '24 h' : `${days} days`;
  return {
    id: `meter-${days}d`,
    label: `one meter's power, last ${span}`,
    route: 'meters/…/series',
    async run(service) {
      const to = service.currentTime();
      const r = await service.meterSeries(chartedMeter(meters), {
        quantity: 'power_w',
        from: to - days * DAY_MS,
        to,
        resolution: 'auto',
        aggregate: 'mean',
      });
      return {
        shape: `${r.resolution}: 1 × ${r.points.length}`,
        values: r.points.flat(),
      };
    },
  };
}

/**
 * `GET /energy/history?range=day|month` for the town: the route's periods (today by hour, or the
 * last 30 days by day) up to now, through `EnergyService.kwh` — kWh from every meter's counters.
 */
function townHistory(range: 'day' | 'month'): QueryShape {
  return {
    id: `town-history-${range}`,
    label:
      range === 'day'
        ? 'town kWh today by hour (all meters)'
        : 'town kWh, last 30 days by day (all meters)',
    route: `history?range=${range}`,
    async run(service) {
      const now = service.currentTime();
      const spans = service.historySpans(range).filter((s) => s.start < now);
      const figures = await service.kwh({}, spans);
      return {
        shape: `${figures.length} periods × ${figures[0]?.consumption.meters ?? 0} meters`,
        values: figures.flatMap((f) => [f.consumption.kwh, f.production.kwh]),
      };
    },
  };
}

/** `GET /energy/now`: the town's power from each meter's latest reading (the page header). */
const townNow: QueryShape = {
  id: 'town-now',
  label: "town power now (every meter's latest)",
  route: 'now',
  async run(service) {
    const now = await service.now({});
    return {
      shape: `${now.freshMeters} fresh, ${now.staleMeters} stale`,
      values: [now.consumptionW, now.productionW],
    };
  },
};

/** The calls timed, in table order. */
export function queryShapes(meters: number): QueryShape[] {
  return [
    meterSeries(1, meters),
    meterSeries(7, meters),
    meterSeries(30, meters),
    meterSeries(365, meters),
    townHistory('day'),
    townHistory('month'),
    townNow,
  ];
}

/** Whether two answers agree; the reason when they do not. */
export function compareAnswers(embedded: Answer, influx: Answer): string | null {
  if (embedded.shape !== influx.shape) {
    return `shapes differ: embedded ${embedded.shape}, InfluxDB ${influx.shape}`;
  }
  if (embedded.values.length !== influx.values.length) {
    return `${embedded.values.length} values against ${influx.values.length}`;
  }
  for (let i = 0; i < embedded.values.length; i++) {
    const a = embedded.values[i] ?? null;
    const b = influx.values[i] ?? null;
    if (a === null || b === null) {
      if (a !== b) return `value ${i}: ${a} against ${b}`;
      continue;
    }
    // Sums of many readings may differ in their last binary digits between the two stores.
    if (Math.abs(a - b) > 1e-6 + 1e-9 * Math.max(Math.abs(a), Math.abs(b))) {
      return `value ${i}: ${a} against ${b}`;
    }
  }
  return null;
}
