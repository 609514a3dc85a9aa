import {
  ZonedTime,
  isoDate,
  isoWeekday,
  type LightingControlConfigInput,
} from '@hameau/edge-agent';

/** An event of the lighting schedule, as a technician writes it. */
export type DemoLightingEvent = NonNullable<LightingControlConfigInput['events']>[number];

/** The square the market fills, and its opening hours (local wall time, minutes). */
const MARKET = {
  name: 'Marché de Noël',
  zone: 'place-omer-vallon',
  opensAt: 17 * 60,
  // Past the square's 23:00 part-night switch-off: the trace shows the event holding it lit.
  closesAt: 23 * 60 + 30,
  level: 100,
  rampMinutes: 15,
} as const;

/**
 * The demo town's Christmas market: the Place Omer Vallon at full light every evening of the
 * week `now` falls in (Monday to Sunday, local dates), one event per evening, so that whatever
 * the day the demo runs, tonight shows the event feature in the square's trace. Derived from the
 * week rather than the day, so restarts within a week give the same schedule (no new
 * configuration version), and a new week moves it along.
 *
 * Times are written as a technician writes them: local wall time with the zone's offset of that
 * evening (`2026-12-07T17:00:00+01:00`), which the lighting schema requires.
 */
export function marketEvenings(now: number, timeZone: string): DemoLightingEvent[] {
  const zoned = new ZonedTime(timeZone);
  const today = zoned.localDay(now);
  const monday = today - (isoWeekday(today) - 1);
  const events: DemoLightingEvent[] = [];
  for (let day = monday; day < monday + 7; day++) {
    events.push({
      id: `marche-de-noel-${isoDate(day)}`,
      name: MARKET.name,
      zones: [MARKET.zone],
      start: localIso(zoned, zoned.instantOf(day, MARKET.opensAt)),
      end: localIso(zoned, zoned.instantOf(day, MARKET.closesAt)),
      level: MARKET.level,
      rampMinutes: MARKET.rampMinutes,
    });
  }
  return events;
}

/** `YYYY-MM-DDTHH:MM:SS±HH:MM`: the instant in the zone's wall time, with its offset. */
export function localIso(zoned: ZonedTime, ms: number): string {
  const offset = zoned.offsetAt(ms);
  const wall = new Date(ms + offset).toISOString().slice(0, 19);
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${wall}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}
