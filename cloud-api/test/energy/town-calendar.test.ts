import { describe, expect, it } from 'vitest';
import { isTimeZone, parseDate, TownCalendar } from '../../src/energy/town-calendar.js';

const HOUR = 3_600_000;
const paris = new TownCalendar('Europe/Paris');

describe('TownCalendar', () => {
  it('starts local days at local midnight, 23 and 25 hours long on DST changes', () => {
    const spring = paris.spans(Date.UTC(2026, 2, 28, 23), Date.UTC(2026, 2, 29, 22), 'day');
    expect(spring).toEqual([
      { start: Date.UTC(2026, 2, 28, 23), end: Date.UTC(2026, 2, 29, 22), label: '2026-03-29' },
    ]);
    const fall = paris.spans(Date.UTC(2026, 9, 25, 12), Date.UTC(2026, 9, 25, 13), 'day');
    expect(fall).toEqual([
      { start: Date.UTC(2026, 9, 24, 22), end: Date.UTC(2026, 9, 25, 23), label: '2026-10-25' },
    ]);
  });

  it('gives a DST day 23 or 25 local hours, labelled with their offsets', () => {
    const day = paris.periodStart(Date.UTC(2026, 9, 25, 12), 'day');
    const hours = paris.spans(day, paris.nextStart(day, 'day'), 'hour');
    expect(hours).toHaveLength(25);
    expect(hours.slice(1, 4).map((h) => h.label)).toEqual([
      '2026-10-25T01:00+02:00',
      '2026-10-25T02:00+02:00',
      '2026-10-25T02:00+01:00',
    ]);
    const spring = paris.periodStart(Date.UTC(2026, 2, 29, 12), 'day');
    expect(paris.spans(spring, paris.nextStart(spring, 'day'), 'hour')).toHaveLength(23);
  });

  it('starts weeks on Monday and months on the 1st, in local time', () => {
    // Wednesday 2026-11-25 → Monday 2026-11-23, 00:00 in Paris.
    expect(paris.periodStart(Date.UTC(2026, 10, 25, 12), 'week')).toBe(Date.UTC(2026, 10, 22, 23));
    // 00:30 on November 1 in Paris is still October 31 in UTC.
    expect(paris.periodStart(Date.UTC(2026, 9, 31, 23, 30), 'month')).toBe(
      Date.UTC(2026, 9, 31, 23),
    );
    expect(paris.nextStart(Date.UTC(2026, 9, 31, 23), 'month')).toBe(Date.UTC(2026, 10, 30, 23));
    expect(paris.shift(Date.UTC(2026, 9, 31, 23), 'month', 1)).toBe(Date.UTC(2026, 8, 30, 22));
    expect(paris.label(Date.UTC(2026, 9, 31, 23), 'month')).toBe('2026-11');
  });

  it('finds local hours and days in zones with half-hour offsets', () => {
    const kolkata = new TownCalendar('Asia/Kolkata');
    // Midnight in Kolkata (UTC+5:30) is 18:30Z the day before.
    expect(kolkata.periodStart(Date.UTC(2026, 5, 1, 12), 'day')).toBe(
      Date.UTC(2026, 4, 31, 18, 30),
    );
    expect(kolkata.periodStart(Date.UTC(2026, 5, 1, 12, 10), 'hour')).toBe(
      Date.UTC(2026, 5, 1, 11, 30),
    );
  });

  it('starts a day whose midnight is skipped at the change (first instant of the date)', () => {
    // Chile springs forward at 24:00 on 2026-09-05: September 6 begins at 01:00 (UTC−3).
    const santiago = new TownCalendar('America/Santiago');
    expect(santiago.startOf({ year: 2026, month: 9, day: 6 })).toBe(Date.UTC(2026, 8, 6, 4));
    // Whatever the zone, a day starts on its date and the millisecond before is the day before.
    for (const zone of ['America/Santiago', 'Asia/Beirut', 'America/Havana', 'Europe/Paris']) {
      const calendar = new TownCalendar(zone);
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 24 * HOUR) {
        const date = calendar.dateAt(t);
        const start = calendar.startOf(date);
        expect(calendar.dateAt(start)).toEqual(date);
        expect(calendar.dateAt(start - 1)).not.toEqual(date);
      }
    }
  });

  it('parses real dates only, and knows time zones', () => {
    expect(parseDate('2026-02-28')).toEqual({ year: 2026, month: 2, day: 28 });
    expect(parseDate('2026-02-29')).toBeUndefined();
    expect(parseDate('26-02-01')).toBeUndefined();
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(() => new TownCalendar('Mars/Olympus')).toThrow(/unknown time zone/);
  });
});
