import {
  HolidayCalendar,
  isoDate,
  LightingEventSchema,
  LightingOverrideSchema,
  ruleMatches,
  ZonedTime,
  type LightingControlConfig,
  type LightingEvent,
  type LightingOverride,
} from '@hameau/edge-agent';
import { scaleZones } from './scale-zones.js';
import type { Town } from './town-file.js';

// A town laid out on the simulated period: its yearly events and incidents turned into dated
// events, overrides and clock faults, and its zones scaled to the number asked for.

const MINUTE_MS = 60_000;
const NOON = 12 * 60;

/** A stretch of simulated time during which the wall clock is off by `jumpMs`. */
export interface ClockFaultSpan {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly jumpMs: number;
}

/** Everything the minute loop runs. */
export interface SimSchedule {
  readonly config: LightingControlConfig;
  readonly overrides: readonly LightingOverride[];
  readonly clockFaults: readonly ClockFaultSpan[];
  /** The simulated time: from local noon of the first night to local noon after the last. */
  readonly from: number;
  readonly to: number;
  /** The day number of the first night. */
  readonly firstNight: number;
  readonly nights: number;
}

/** What to lay out: `nights` nights from the local date `firstNight`, `zones` zones (default: the town's). */
export interface SchedulePeriod {
  readonly firstNight: number;
  readonly nights: number;
  readonly zones?: number | undefined;
}

const compact = (day: number) => isoDate(day).replaceAll('-', '');

/** Lays a town out on a period. */
export function buildSchedule(town: Town, period: SchedulePeriod): SimSchedule {
  const base = town.config;
  const time = new ZonedTime(base.site.timeZone);
  const holidays = new HolidayCalendar(base.holidays);
  const { firstNight, nights } = period;
  const from = time.instantOf(firstNight, NOON);
  const to = time.instantOf(firstNight + nights, NOON);
  // A day either side: an event of the night before may ramp into the period.
  const days: number[] = [];
  for (let d = firstNight - 1; d <= firstNight + nights; d++) days.push(d);
  const at = (day: number, minutes: number) => time.instantOf(day, minutes);

  const events: LightingEvent[] = [];
  for (const e of town.yearlyEvents) {
    for (const day of days) {
      if (ruleMatches(e.when, day, holidays) === false) continue;
      events.push(
        LightingEventSchema.parse({
          id: `${e.id}-${compact(day)}`,
          name: e.name,
          zones: e.zones,
          start: at(e.from >= NOON ? day : day + 1, e.from),
          end: at(e.until >= NOON ? day : day + 1, e.until),
          level: e.level,
          rampMinutes: e.rampMinutes,
        }),
      );
    }
  }

  const overrides: LightingOverride[] = [];
  for (const o of town.overrides) {
    for (const day of days) {
      if (ruleMatches(o.when, day, holidays) === false) continue;
      const start = at(day, o.at);
      overrides.push(
        LightingOverrideSchema.parse({
          id: `${o.id}-${compact(day)}`,
          zones: o.zones,
          level: o.level,
          start,
          expiresAt: start + o.minutes * MINUTE_MS,
          rampSeconds: o.rampSeconds,
          // Sent a few minutes ahead, as a technician's order would be.
          issuedAt: start - 5 * MINUTE_MS,
        }),
      );
    }
  }

  const clockFaults: ClockFaultSpan[] = [];
  for (const f of town.clockFaults) {
    for (const day of days) {
      if (ruleMatches(f.when, day, holidays) === false) continue;
      const start = at(day, f.at);
      clockFaults.push({
        name: f.name,
        from: start,
        to: start + f.minutes * MINUTE_MS,
        jumpMs: f.jumpMinutes * MINUTE_MS,
      });
    }
  }
  clockFaults.sort((a, b) => a.from - b.from);

  const scaled = scaleZones(
    { ...base, events: [...base.events, ...events] },
    overrides,
    period.zones,
  );
  return {
    config: scaled.config,
    overrides: scaled.overrides,
    clockFaults: clockFaults.filter((f) => f.to > from && f.from < to),
    from,
    to,
    firstNight,
    nights,
  };
}
