// Calendar dates as day numbers (days since 1970-01-01 in the proleptic Gregorian calendar),
// so that date arithmetic, weekdays and comparisons are integer operations, free of any time
// zone. The lighting controller works on the site's local dates; the time zone enters only when
// a local date and wall time become an instant (zoned-time.ts). Reading a date (what the
// calendar schema needs) is in @hameau/protocol.

import { dayNumber, daysInMonth } from '@hameau/protocol';

export { dayNumber, daysInMonth, parseIsoDate, WEEKDAYS, type Weekday } from '@hameau/protocol';

const DAY_MS = 86_400_000;

/** A civil date's year, month (1–12) and day of the month (1–31). */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The civil date of a day number. */
export function civilDate(dayNum: number): CivilDate {
  const d = new Date(dayNum * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(dayNum: number): number {
  return ((((dayNum + 3) % 7) + 7) % 7) + 1;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a day number. */
export function isoDate(dayNum: number): string {
  const { year, month, day } = civilDate(dayNum);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/**
 * The day number of the `nth` (1–5) given ISO weekday of a month, or of the last one when `nth`
 * is `'last'`; null when the month has no fifth such weekday.
 */
export function nthWeekdayOfMonth(
  year: number,
  month: number,
  weekday: number,
  nth: number | 'last',
): number | null {
  if (nth === 'last') {
    const last = dayNumber(year, month, daysInMonth(year, month));
    return last - ((isoWeekday(last) - weekday + 7) % 7);
  }
  const first = dayNumber(year, month, 1);
  const day = first + ((weekday - isoWeekday(first) + 7) % 7) + (nth - 1) * 7;
  return civilDate(day).month === month ? day : null;
}

/** Whether a day is the `nth` (1–5) or the last such weekday of its month. */
export function isNthWeekday(dayNum: number, nth: number | 'last'): boolean {
  const { year, month, day } = civilDate(dayNum);
  if (nth === 'last') return day + 7 > daysInMonth(year, month);
  return Math.ceil(day / 7) === nth;
}
