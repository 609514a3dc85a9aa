import { describe, expect, it } from 'vitest';
import { isoDate, parseIsoDate } from '../../../../src/modules/lighting/control/civil-date.js';
import {
  HolidayCalendar,
  publicHolidays,
} from '../../../../src/modules/lighting/control/public-holidays.js';

const listed = (year: number, set: 'fr' | 'fr-alsace-moselle') =>
  publicHolidays(year, set).map((h) => `${isoDate(h.day)} ${h.name}`);

// The movable French holidays, as published (service-public.fr) for 2025–2030.
const MOVABLE: Record<number, [string, string, string]> = {
  2025: ['2025-04-21', '2025-05-29', '2025-06-09'],
  2026: ['2026-04-06', '2026-05-14', '2026-05-25'],
  2027: ['2027-03-29', '2027-05-06', '2027-05-17'],
  2028: ['2028-04-17', '2028-05-25', '2028-06-05'],
  2029: ['2029-04-02', '2029-05-10', '2029-05-21'],
  2030: ['2030-04-22', '2030-05-30', '2030-06-10'],
};

describe('French public holidays', () => {
  it.each(Object.entries(MOVABLE))('%s: eleven holidays in date order', (y, dates) => {
    const year = Number(y);
    const [easterMonday, ascension, whitMonday] = dates;
    const expected = [
      `${year}-01-01 New Year's Day`,
      `${easterMonday} Easter Monday`,
      `${year}-05-01 Labour Day`,
      `${year}-05-08 Victory in Europe Day`,
      `${ascension} Ascension Day`,
      `${whitMonday} Whit Monday`,
      `${year}-07-14 Bastille Day`,
      `${year}-08-15 Assumption Day`,
      `${year}-11-01 All Saints' Day`,
      `${year}-11-11 Armistice Day`,
      `${year}-12-25 Christmas Day`,
    ].sort();
    expect(listed(year, 'fr')).toEqual(expected);
  });

  it('adds Good Friday and St Stephen’s Day in Alsace-Moselle', () => {
    const list = listed(2026, 'fr-alsace-moselle');
    expect(list).toHaveLength(13);
    expect(list).toContain('2026-04-03 Good Friday');
    expect(list).toContain("2026-12-26 St Stephen's Day");
  });

  it('keeps one entry when Ascension falls on 1 May (2008)', () => {
    const list = listed(2008, 'fr');
    expect(list.filter((h) => h.startsWith('2008-05-01'))).toEqual(['2008-05-01 Labour Day']);
    expect(list).toHaveLength(10);
  });

  it('has none for `none`, and looks days up by day number', () => {
    expect(publicHolidays(2026, 'none')).toEqual([]);
    const calendar = new HolidayCalendar('fr');
    expect(calendar.nameOn(parseIsoDate('2026-05-14'))).toBe('Ascension Day');
    expect(calendar.nameOn(parseIsoDate('2027-01-01'))).toBe("New Year's Day");
    expect(calendar.nameOn(parseIsoDate('2026-05-15'))).toBeUndefined();
  });
});
