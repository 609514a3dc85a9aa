import { z } from 'zod';
import type { Clock } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime } from '../http/common-schemas.js';
import { round } from '../energy/energy-schemas.js';
import type { EnergyService } from '../energy/energy-service.js';
import { QUARTER_MS } from '../energy/quarter-energy.js';
import type { TownCalendar } from '../energy/town-calendar.js';

const HOUR_MS = 3_600_000;

export const HISTORY_RANGES = ['day', 'week', 'month'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

export const PublicHistoryQuery = z
  .object({
    range: z
      .enum(HISTORY_RANGES)
      .default('day')
      .describe('`day`: the last 24 h by 15 min; `week`: 7 days by hour; `month`: 30 days by day'),
  })
  .strict();

export const PublicHistoryView = z
  .object({
    range: z.enum(HISTORY_RANGES),
    step: z.enum(['15m', '1h', '1d']),
    timeZone: z.string(),
    from: IsoTime,
    to: IsoTime.describe('The end of the last whole quarter hour: the chart stops there'),
    series: z.array(z.string()),
    data: z
      .array(z.array(z.number().nullable()))
      .describe(
        'uPlot layout: `[times (Unix s, bucket starts), consumption kW, production kW, green share]`',
      ),
    totals: z
      .object({
        consumptionKwh: z.number().nullable(),
        productionKwh: z.number().nullable(),
        greenShare: z.number().nullable(),
      })
      .strict(),
  })
  .strict()
  .register(apiSchemas, { id: 'PublicHistory' });
export type PublicHistoryView = z.output<typeof PublicHistoryView>;

interface Bucket {
  readonly start: number;
  readonly end: number;
}

/**
 * The public history chart: the town's consumption and production as mean power per bucket,
 * and the green share, from the energy domain's quarter-hour flows (the green share's own
 * computation, so chart and figure agree). The quarter in progress is left out: its energy is
 * only what has been read so far, which would show as a dip. Each range is computed once per
 * `ttlMs` for every viewer.
 */
export class PublicHistory {
  readonly #energy: EnergyService;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #cache = new Map<HistoryRange, { at: number; view: Promise<PublicHistoryView> }>();

  constructor(deps: { energy: EnergyService; clock: Clock; ttlMs: number }) {
    this.#energy = deps.energy;
    this.#clock = deps.clock;
    this.#ttlMs = deps.ttlMs;
  }

  get(range: HistoryRange): Promise<PublicHistoryView> {
    const now = this.#clock.now();
    const cached = this.#cache.get(range);
    if (cached !== undefined && now - cached.at < this.#ttlMs) return cached.view;
    const view = this.#compute(range, now);
    this.#cache.set(range, { at: now, view });
    // A failure is not kept: the next request tries again.
    view.catch(() => {
      if (this.#cache.get(range)?.view === view) this.#cache.delete(range);
    });
    return view;
  }

  async #compute(range: HistoryRange, now: number): Promise<PublicHistoryView> {
    const { calendar } = this.#energy;
    const to = Math.floor(now / QUARTER_MS) * QUARTER_MS;
    const buckets = bucketsOf(range, now, to, calendar);
    const from = buckets[0]?.start ?? to;
    const g = await this.#energy.greenShare({}, from, to);
    const out = {
      consumption: [] as (number | null)[],
      production: [] as (number | null)[],
      share: [] as (number | null)[],
    };
    let q = 0;
    for (const b of buckets) {
      let consumed: number | null = null;
      let produced: number | null = null;
      let hours = 0;
      let green = 0;
      let shared = 0;
      for (; q < g.times.length && (g.times[q] ?? Infinity) < b.end; q++) {
        const c = g.consumption[q] ?? null;
        const p = g.production[q] ?? null;
        const s = g.share[q] ?? null;
        if (c !== null || p !== null) hours += QUARTER_MS / HOUR_MS;
        if (c !== null) consumed = (consumed ?? 0) + c;
        if (p !== null) produced = (produced ?? 0) + p;
        if (s !== null && c !== null) {
          green += s * c;
          shared += c;
        }
      }
      // Mean power over the quarters read: a bucket half read is not half as bright.
      out.consumption.push(consumed === null || hours === 0 ? null : round(consumed / hours, 3));
      out.production.push(produced === null || hours === 0 ? null : round(produced / hours, 3));
      out.share.push(shared > 0 ? round(green / shared, 4) : null);
    }
    const sum = (xs: readonly (number | null)[]) =>
      xs.some((x) => x !== null)
        ? round(
            xs.reduce<number>((s, x) => s + (x ?? 0), 0),
            3,
          )
        : null;
    return {
      range,
      step: range === 'day' ? '15m' : range === 'week' ? '1h' : '1d',
      timeZone: calendar.timeZone,
      from: isoTime(from),
      to: isoTime(to),
      series: ['consumptionKw', 'productionKw', 'greenShare'],
      data: [buckets.map((b) => b.start / 1000), out.consumption, out.production, out.share],
      totals: {
        consumptionKwh: sum(g.consumption),
        productionKwh: sum(g.production),
        greenShare: g.overall === null ? null : round(g.overall, 4),
      },
    };
  }
}

/**
 * The chart's buckets: 96 quarters ending at `to`; 168 hours ending with the current one; or
 * the 30 local days ending with today (23 to 25 hours long, each ending where the next starts).
 */
export function bucketsOf(
  range: HistoryRange,
  now: number,
  to: number,
  calendar: TownCalendar,
): Bucket[] {
  const regular = (end: number, size: number, count: number) =>
    Array.from({ length: count }, (_, i) => {
      const start = end - (count - i) * size;
      return { start, end: start + size };
    });
  switch (range) {
    case 'day':
      return regular(to, QUARTER_MS, 96);
    case 'week':
      return regular(Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS, HOUR_MS, 168);
    case 'month': {
      const today = calendar.periodStart(now, 'day');
      return calendar
        .spans(calendar.shift(today, 'day', 29), calendar.nextStart(today, 'day'), 'day')
        .map(({ start, end }) => ({ start, end }));
    }
  }
}
