// Calendar dates as day numbers (days since 1970-01-01 in the proleptic Gregorian calendar),
// so that date arithmetic, weekdays and comparisons are integer operations, free of any time
// zone. Only what the calendar schema needs to read a date lives here; the edge agent's
// civil-date.ts builds the rest on it.

const DAY_MS = 86_400_000;

/** ISO weekday names, Monday first; the index + 1 is the ISO weekday number. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The day number of a civil date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Days in a month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The day number of a `YYYY-MM-DD` string, or NaN when it is not a real date. */
export function parseIsoDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return Number.NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return dayNumber(year, month, day);
}
