/** The periods figures are given for: hours, local days, ISO weeks (Monday first) and months. */
export type CalendarPeriod = 'hour' | 'day' | 'week' | 'month';

/** A date on the town's wall calendar; `month` is 1-12. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** One period: [start, end) in milliseconds, and its local label (`2026-11-25`, `2026-11`). */
export interface CalendarSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Whether the platform knows this IANA time zone (`Europe/Paris`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The town's calendar in its time zone. No date library is installed, and the platform's
 * `Intl` carries the tz database: local days are found from UTC offsets, so a day is 23 or 25
 * hours long on DST changes and a week or month is made of such days.
 */
export class TownCalendar {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone ${timeZone}`);
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local wall time minus UTC at `t`, in ms (Paris in winter: 3,600,000). */
  offsetAt(t: number): number {
    const seconds = Math.floor(t / 1000) * 1000;
    return this.#wallClock(t) - seconds;
  }

  /** The local date at `t`. */
  dateAt(t: number): LocalDate {
    return fromUtcDate(this.#wallClock(t));
  }

  /**
   * The first instant of a local date. Where midnight is skipped by a DST change, the day
   * starts at the change; where it happens twice, at the first one.
   */
  startOf(date: LocalDate): number {
    const wall = Date.UTC(date.year, date.month - 1, date.day);
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const valid = [wall - before, wall - after].filter(
      (t, i) => this.offsetAt(t) === (i === 0 ? before : after),
    );
    return valid.length === 0 ? wall - before : Math.min(...valid);
  }

  /** The start of the period holding `t`. */
  periodStart(t: number, period: CalendarPeriod): number {
    if (period === 'hour') return this.#hourStart(t);
    const date = this.dateAt(t);
    switch (period) {
      case 'day':
        return this.startOf(date);
      case 'week':
        return this.startOf(addDays(date, -((weekday(date) + 6) % 7)));
      case 'month':
        return this.startOf({ ...date, day: 1 });
    }
  }

  /** The start of the period after the one starting at `start`. */
  nextStart(start: number, period: CalendarPeriod): number {
    if (period === 'hour') return this.#hourStart(start + HOUR_MS + HOUR_MS / 2);
    const date = this.dateAt(start);
    switch (period) {
      case 'day':
        return this.startOf(addDays(date, 1));
      case 'week':
        return this.startOf(addDays(date, 7));
      case 'month':
        return this.startOf(fromUtcDate(Date.UTC(date.year, date.month, 1)));
    }
  }

  /** The start of the period `count` periods before (negative: after) the one at `start`. */
  shift(start: number, period: CalendarPeriod, count: number): number {
    if (period === 'hour') return start - count * HOUR_MS;
    const date = this.dateAt(start);
    switch (period) {
      case 'day':
        return this.startOf(addDays(date, -count));
      case 'week':
        return this.startOf(addDays(date, -7 * count));
      case 'month':
        return this.startOf(fromUtcDate(Date.UTC(date.year, date.month - 1 - count, 1)));
    }
  }

  /** The periods from the one holding `from` up to the one holding `to - 1`, in order. */
  spans(from: number, to: number, period: CalendarPeriod): CalendarSpan[] {
    const spans: CalendarSpan[] = [];
    for (let start = this.periodStart(from, period); start < to;) {
      const end = this.nextStart(start, period);
      spans.push({ start, end, label: this.label(start, period) });
      start = end;
    }
    return spans;
  }

  /** `2026-11-25` for a day or week (its Monday), `2026-11` for a month, local ISO for an hour. */
  label(start: number, period: CalendarPeriod): string {
    const date = formatDate(this.dateAt(start));
    if (period === 'month') return date.slice(0, 7);
    if (period !== 'hour') return date;
    const wall = this.#wallClock(start);
    const offset = this.offsetAt(start) / 60_000;
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${new Date(wall).toISOString().slice(0, 16)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  /** Local wall time at `t` as if it were UTC, to the second. */
  #wallClock(t: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.#format.formatToParts(new Date(t))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
    return Date.UTC(year, month - 1, day, hour, minute, second);
  }

  /** Local hours: whole hours of local time, which are UTC hours unless the offset has minutes. */
  #hourStart(t: number): number {
    const offset = this.offsetAt(t);
    return Math.floor((t + offset) / HOUR_MS) * HOUR_MS - offset;
  }
}

/** `2026-11-25`. */
export function formatDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${pad(date.month)}-${pad(date.day)}`;
}

/** `2026-11-25` to a date; undefined when it is not a real calendar date. */
export function parseDate(text: string): LocalDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return formatDate(fromUtcDate(Date.UTC(date.year, date.month - 1, date.day))) === text
    ? date
    : undefined;
}

function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcDate(Date.UTC(date.year, date.month - 1, date.day + days));
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function fromUtcDate(ms: number): LocalDate {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
