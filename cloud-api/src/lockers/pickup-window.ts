import { TownCalendar, type LocalDate } from '../energy/town-calendar.js';

/** Residents collect from this local hour on (21:00: after the merchants' evening rounds). */
export const DEFAULT_PICKUP_HOUR = 21;
/** How long a parcel waits for its recipient by default: three days from `pickupFrom`. */
export const DEFAULT_HOLD_MS = 72 * 3_600_000;
/** The furthest ahead a reservation may end: a box is not a warehouse. */
export const MAX_RESERVATION_MS = 30 * 86_400_000;

const DAY_MS = 86_400_000;

/**
 * The next `hour`:00 on the town's wall clock strictly after `now`: today's when it is still
 * to come, else tomorrow's. Found through the zone's UTC offset at that wall time, so it is
 * 21:00 local on both sides of a DST change (19:00 UTC in Paris summer, 20:00 UTC in winter).
 */
export function nextLocalHour(now: number, timeZone: string, hour = DEFAULT_PICKUP_HOUR): number {
  const calendar = new TownCalendar(timeZone);
  const today = calendar.dateAt(now);
  const atToday = localInstant(calendar, today, hour);
  if (atToday > now) return atToday;
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day) + DAY_MS);
  return localInstant(
    calendar,
    {
      year: tomorrow.getUTCFullYear(),
      month: tomorrow.getUTCMonth() + 1,
      day: tomorrow.getUTCDate(),
    },
    hour,
  );
}

/**
 * The instant a local date shows `hour`:00. The offset is read at the instant itself (a DST
 * change may fall between the wall time read as UTC and the real instant); an hour skipped by a
 * change resolves to the instant just after it.
 */
function localInstant(calendar: TownCalendar, date: LocalDate, hour: number): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour);
  const guess = wall - calendar.offsetAt(wall);
  return wall - calendar.offsetAt(guess);
}
