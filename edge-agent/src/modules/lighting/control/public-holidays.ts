import type { HolidaySet } from '@hameau/protocol';
import { civilDate, dayNumber } from './civil-date.js';
import { easterSunday } from './easter.js';

// The sets' names (`fr`, `fr-alsace-moselle`, `none`) are part of the configuration schema
// (@hameau/protocol, which says what each holds); their holidays are computed here.
export { HOLIDAY_SETS, type HolidaySet } from '@hameau/protocol';

/** A public holiday: its day number and its name (for the reason trace). */
export interface PublicHoliday {
  readonly day: number;
  readonly name: string;
}

/** The public holidays of a year, in date order. */
export function publicHolidays(year: number, set: HolidaySet): PublicHoliday[] {
  if (set === 'none') return [];
  const easter = easterSunday(year);
  const fixed = (month: number, day: number, name: string) => ({
    day: dayNumber(year, month, day),
    name,
  });
  const list: PublicHoliday[] = [
    fixed(1, 1, "New Year's Day"),
    { day: easter + 1, name: 'Easter Monday' },
    fixed(5, 1, 'Labour Day'),
    fixed(5, 8, 'Victory in Europe Day'),
    { day: easter + 39, name: 'Ascension Day' },
    { day: easter + 50, name: 'Whit Monday' },
    fixed(7, 14, 'Bastille Day'),
    fixed(8, 15, 'Assumption Day'),
    fixed(11, 1, "All Saints' Day"),
    fixed(11, 11, 'Armistice Day'),
    fixed(12, 25, 'Christmas Day'),
  ];
  if (set === 'fr-alsace-moselle') {
    list.push({ day: easter - 2, name: 'Good Friday' }, fixed(12, 26, "St Stephen's Day"));
  }
  // Ascension can fall on 1 or 8 May (2008: 1 May): keep one entry per day, the fixed name.
  const byDay = new Map<number, PublicHoliday>();
  for (const h of list) if (!byDay.has(h.day)) byDay.set(h.day, h);
  return [...byDay.values()].sort((x, y) => x.day - y.day);
}

/** Looks holidays up by day number, computing each year once. */
export class HolidayCalendar {
  readonly #set: HolidaySet;
  readonly #years = new Map<number, Map<number, string>>();

  constructor(set: HolidaySet) {
    this.#set = set;
  }

  /** The holiday's name on that day, or undefined. */
  nameOn(dayNum: number): string | undefined {
    const { year } = civilDate(dayNum);
    let days = this.#years.get(year);
    if (days === undefined) {
      days = new Map(publicHolidays(year, this.#set).map((h) => [h.day, h.name]));
      this.#years.set(year, days);
    }
    return days.get(dayNum);
  }
}
