import { describe, expect, it } from 'vitest';
import { isoDate } from '../../../../src/modules/lighting/control/civil-date.js';
import { easterSunday } from '../../../../src/modules/lighting/control/easter.js';

describe('Easter Sunday', () => {
  it.each([
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2028, '2028-04-16'],
    [2029, '2029-04-01'],
    [2030, '2030-04-21'],
  ])('%i: %s', (year, date) => {
    expect(isoDate(easterSunday(year))).toBe(date);
  });

  it('gets the edge years of the Gregorian computus right', () => {
    expect(isoDate(easterSunday(1818))).toBe('1818-03-22'); // the earliest possible date
    expect(isoDate(easterSunday(2285))).toBe('2285-03-22');
    expect(isoDate(easterSunday(1943))).toBe('1943-04-25'); // the latest possible date
    expect(isoDate(easterSunday(2038))).toBe('2038-04-25');
    expect(isoDate(easterSunday(2000))).toBe('2000-04-23');
    expect(isoDate(easterSunday(2008))).toBe('2008-03-23');
    expect(isoDate(easterSunday(2019))).toBe('2019-04-21');
  });

  it('is always a Sunday between 22 March and 25 April', () => {
    for (let year = 1900; year <= 2200; year++) {
      const day = easterSunday(year);
      expect(new Date(day * 86_400_000).getUTCDay()).toBe(0);
      const text = isoDate(day).slice(5);
      expect(text >= '03-22' && text <= '04-25', `${year}: ${text}`).toBe(true);
    }
  });
});
