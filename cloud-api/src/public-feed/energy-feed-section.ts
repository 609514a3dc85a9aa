import { z } from 'zod';
import { apiSchemas } from '../http/api-schemas.js';
import { isoTime } from '../http/common-schemas.js';
import type { IngestedMessage } from '../ingestion/ingested-message.js';
import { round } from '../energy/energy-schemas.js';
import type { EnergyService, PeriodFigures } from '../energy/energy-service.js';
import { QUARTER_MS } from '../energy/quarter-energy.js';
import { defineSection } from './feed-section.js';

const Kwh = z.number().nullable();

/** The energy section: the town's figures as the energy domain defines them (docs/energy.md). */
export const EnergyFeedView = z
  .object({
    powerNow: z
      .object({
        consumptionW: z.number().nullable().describe('Null when no meter reported recently'),
        productionW: z.number().nullable(),
        freshMeters: z.number().int(),
        staleMeters: z.number().int().describe('Meters left out for an old reading'),
      })
      .strict(),
    today: z
      .object({
        label: z.string().describe('The local date, YYYY-MM-DD'),
        consumptionKwh: Kwh,
        productionKwh: Kwh,
        partial: z.boolean(),
      })
      .strict(),
    yesterday: z
      .object({
        label: z.string(),
        consumptionKwh: Kwh.describe('The whole day'),
        partial: z.boolean(),
        sameTimeKwh: Kwh.describe(
          'Yesterday from midnight to the time of day it is now (to the quarter hour)',
        ),
        sameTimeUntil: z.iso.datetime().nullable().describe('Where `sameTimeKwh` stops'),
      })
      .strict(),
    greenShare: z
      .object({
        today: z
          .number()
          .min(0)
          .max(1)
          .nullable()
          .describe('Today so far; null without consumption'),
        gridMetered: z.boolean().describe('Grid import measured (true) or estimated (false)'),
        gridRenewableShare: z.number(),
      })
      .strict(),
  })
  .strict()
  .register(apiSchemas, { id: 'PublicEnergySection' });
export type EnergyFeedView = z.output<typeof EnergyFeedView>;

/** What the energy section reads: the energy domain's service, nothing recomputed here. */
export interface EnergyFeedDeps {
  readonly energy: EnergyService;
}

const kwh = (v: number | null) => (v === null ? null : round(v, 3));
const watts = (v: number | null) => (v === null ? null : round(v, 1));

/**
 * The town's consumption now, today's kWh against yesterday's (whole and at the same time of
 * day), and today's green share. Any energy reading may change them.
 */
export function energyFeedSection(deps: EnergyFeedDeps) {
  const { energy } = deps;
  const { calendar, settings } = energy;
  const town = {};
  // Yesterday up to the same quarter hour only changes when the quarter does (or with a late
  // reading, which the minute's refresh picks up soon enough for a comparison figure).
  let sameTime: { end: number; figure: PeriodFigures | undefined } | null = null;

  return defineSection({
    key: 'energy',
    schema: EnergyFeedView,
    refreshMs: 60_000,
    triggers: (m: IngestedMessage) => m.kind === 'telemetry' && m.stream === settings.measurement,
    async compute(): Promise<EnergyFeedView> {
      const now = energy.currentTime();
      const today = calendar.periodStart(now, 'day');
      const yesterdayStart = calendar.shift(today, 'day', 1);
      const days = calendar.spans(yesterdayStart, calendar.nextStart(today, 'day'), 'day');
      const [power, [yesterday, current], green] = await Promise.all([
        energy.now(town),
        energy.kwh(town, days),
        energy.greenShare(town, today, now),
      ]);
      const elapsed = Math.floor((now - today) / QUARTER_MS) * QUARTER_MS;
      const end = yesterdayStart + elapsed;
      if (elapsed > 0 && end < today && sameTime?.end !== end) {
        const [figure] = await energy.kwh(town, [{ start: yesterdayStart, end, label: '' }]);
        sameTime = { end, figure };
      }
      const same = elapsed > 0 && end < today ? sameTime : null;
      return {
        powerNow: {
          consumptionW: watts(power.consumptionW),
          productionW: watts(power.productionW),
          freshMeters: power.freshMeters,
          staleMeters: power.staleMeters,
        },
        today: {
          label: current?.label ?? calendar.label(today, 'day'),
          consumptionKwh: kwh(current?.consumption.kwh ?? null),
          productionKwh: kwh(current?.production.kwh ?? null),
          partial: current?.consumption.partial ?? false,
        },
        yesterday: {
          label: yesterday?.label ?? calendar.label(yesterdayStart, 'day'),
          consumptionKwh: kwh(yesterday?.consumption.kwh ?? null),
          partial: yesterday?.consumption.partial ?? false,
          sameTimeKwh: kwh(same?.figure?.consumption.kwh ?? null),
          sameTimeUntil: same === null ? null : isoTime(same.end),
        },
        greenShare: {
          today: green.overall === null ? null : round(green.overall, 4),
          gridMetered: green.gridMetered,
          gridRenewableShare: settings.gridRenewableShare,
        },
      };
    },
  });
}
