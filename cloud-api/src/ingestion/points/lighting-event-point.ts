import { LevelChangedData, NightSummaryData } from '../../lighting/lighting-events.js';
import { SEQ_FIELD, type Point } from '../../timeseries/point.js';
import type { IngestedOf } from '../ingested-message.js';
import { DERIVED_MEASUREMENTS } from './derived-measurements.js';

/**
 * The point of a lighting controller's `level-changed` or `night-summary` event, or null for any
 * other event and for one whose data the lighting domain could not read either (it logs those).
 * The data is read with the lighting domain's schemas, and the zone is found as it finds it
 * (`data.zone`, else the event's subject), so the series and the API agree.
 *
 * - `lighting_level`: `level` (%) and `seq` at the change, tagged by site, device, `zone` and
 *   `mode` (`program`, `event`, `override`, `failsafe`, `off`: who set the level).
 * - `lighting_night`: `energy_wh`, `baseline_wh` (the same hours at full power), `savings_pct`,
 *   `lit_hours`, `min_level` (when the zone was lit) and `seq`, tagged by site, device and `zone`,
 *   at 12:00 UTC on the date the night starts: in that date's day bucket in UTC and in every
 *   zone from UTC−12 to UTC+11, and one point per zone and night however often it is sent.
 */
export function lightingEventToPoint(message: IngestedOf<'event'>): Point | null {
  const { payload } = message;
  const origin = { site: message.site, device: message.device };
  switch (message.type) {
    case 'level-changed': {
      const parsed = LevelChangedData.safeParse(payload.data);
      const zone = parsed.success ? (parsed.data.zone ?? payload.subject) : undefined;
      if (!parsed.success || zone === undefined) return null;
      return {
        measurement: DERIVED_MEASUREMENTS.lightingLevel,
        tags: { ...origin, zone, mode: parsed.data.mode },
        fields: { level: parsed.data.level, [SEQ_FIELD]: payload.seq },
        time: Date.parse(payload.at),
      };
    }
    case 'night-summary': {
      const parsed = NightSummaryData.safeParse(payload.data);
      const zone = parsed.success ? (parsed.data.zone ?? payload.subject) : undefined;
      if (!parsed.success || zone === undefined) return null;
      const night = parsed.data;
      return {
        measurement: DERIVED_MEASUREMENTS.lightingNight,
        tags: { ...origin, zone },
        fields: {
          energy_wh: night.energyWh,
          baseline_wh: night.baselineWh,
          savings_pct: night.savingsPct,
          lit_hours: night.litHours,
          ...(night.minLevel !== null && { min_level: night.minLevel }),
          [SEQ_FIELD]: payload.seq,
        },
        time: Date.parse(`${night.night}T12:00:00.000Z`),
      };
    }
    default:
      return null;
  }
}
