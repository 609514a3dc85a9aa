import { describe, expect, it } from 'vitest';
import {
  civilDate,
  dayNumber,
  isNthWeekday,
  isoDate,
  isoWeekday,
  nthWeekdayOfMonth,
  parseIsoDate,
} from '../../../../src/modules/lighting/control/civil-date.js';

const d = (text: string) => parseIsoDate(text);

describe('civil dates as day numbers', () => {
  it('round-trips dates, before and after the epoch', () => {
    for (const text of ['1969-12-31', '1970-01-01', '2024-02-29', '2026-03-29', '2099-12-31']) {
      expect(isoDate(d(text))).toBe(text);
    }
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(civilDate(d('2026-07-14'))).toEqual({ year: 2026, month: 7, day: 14 });
  });

  it('rejects dates that do not exist', () => {
    for (const text of ['2026-02-29', '2026-13-01', '2026-04-31', '26-01-01', '2026-1-1']) {
      expect(parseIsoDate(text), text).toBeNaN();
    }
  });

  it('knows ISO weekdays (Monday 1 … Sunday 7)', () => {
    expect(isoWeekday(d('1970-01-01'))).toBe(4);
    expect(isoWeekday(d('1969-12-28'))).toBe(7);
    expect(isoWeekday(d('2026-07-14'))).toBe(2);
    expect(isoWeekday(d('2026-03-29'))).toBe(7);
  });

  it('finds the nth and the last weekday of a month', () => {
    // June 2026 starts on a Monday.
    expect(isoDate(nthWeekdayOfMonth(2026, 6, 1, 1) ?? 0)).toBe('2026-06-01');
    expect(isoDate(nthWeekdayOfMonth(2026, 6, 1, 2) ?? 0)).toBe('2026-06-08');
    expect(isoDate(nthWeekdayOfMonth(2026, 6, 5, 'last') ?? 0)).toBe('2026-06-26');
    expect(isoDate(nthWeekdayOfMonth(2026, 6, 2, 5) ?? 0)).toBe('2026-06-30');
    expect(nthWeekdayOfMonth(2026, 6, 3, 5)).toBeNull();
    // The last Sundays of March and October: the European clock changes.
    expect(isoDate(nthWeekdayOfMonth(2026, 3, 7, 'last') ?? 0)).toBe('2026-03-29');
    expect(isoDate(nthWeekdayOfMonth(2026, 10, 7, 'last') ?? 0)).toBe('2026-10-25');
    expect(isoDate(nthWeekdayOfMonth(2027, 3, 7, 'last') ?? 0)).toBe('2027-03-28');
  });

  it('tells whether a day is its month’s nth or last such weekday', () => {
    expect(isNthWeekday(d('2026-06-08'), 2)).toBe(true);
    expect(isNthWeekday(d('2026-06-08'), 1)).toBe(false);
    expect(isNthWeekday(d('2026-06-26'), 'last')).toBe(true);
    expect(isNthWeekday(d('2026-06-19'), 'last')).toBe(false);
    expect(isNthWeekday(d('2026-06-30'), 'last')).toBe(true);
    expect(isNthWeekday(d('2026-06-30'), 5)).toBe(true);
    // Agrees with nthWeekdayOfMonth over a whole year.
    for (let day = d('2026-01-01'); day <= d('2026-12-31'); day++) {
      const { year, month } = civilDate(day);
      for (const nth of [1, 2, 3, 4, 5, 'last'] as const) {
        expect(isNthWeekday(day, nth)).toBe(
          nthWeekdayOfMonth(year, month, isoWeekday(day), nth) === day,
        );
      }
    }
  });
});
