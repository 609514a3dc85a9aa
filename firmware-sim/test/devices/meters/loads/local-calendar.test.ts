import { describe, expect, it } from 'vitest';
import {
  LocalCalendar,
  isKnownTimeZone,
} from '../../../../src/devices/meters/loads/local-calendar.js';

describe('LocalCalendar', () => {
  const paris = new LocalCalendar('Europe/Paris');

  it('gives local hour and weekday in winter (UTC+1) and summer (UTC+2)', () => {
    // 2026-01-14 is a Wednesday.
    expect(paris.at(Date.UTC(2026, 0, 14, 9, 30))).toEqual({ hour: 10.5, weekday: 2 });
    expect(paris.at(Date.UTC(2026, 6, 15, 9, 0))).toEqual({ hour: 11, weekday: 2 });
  });

  it('follows the daylight saving switch to the minute', () => {
    // Clocks go from 02:00 to 03:00 local on 2026-03-29 (01:00 UTC).
    expect(paris.at(Date.UTC(2026, 2, 29, 0, 59)).hour).toBeCloseTo(1 + 59 / 60, 9);
    expect(paris.at(Date.UTC(2026, 2, 29, 1, 0)).hour).toBe(3);
    expect(paris.offsetMs(Date.UTC(2026, 9, 25, 0, 59))).toBe(2 * 3_600_000);
    expect(paris.offsetMs(Date.UTC(2026, 9, 25, 1, 0))).toBe(3_600_000);
  });

  it('changes day at local midnight, not UTC midnight', () => {
    // Sunday 23:30 UTC is Monday 00:30 in Paris.
    expect(paris.at(Date.UTC(2026, 0, 4, 23, 30))).toEqual({ hour: 0.5, weekday: 0 });
    expect(new LocalCalendar('UTC').at(Date.UTC(2026, 0, 4, 23, 30))).toEqual({
      hour: 23.5,
      weekday: 6,
    });
  });

  it('knows which zones exist', () => {
    expect(isKnownTimeZone('Europe/Paris')).toBe(true);
    expect(isKnownTimeZone('Europe/Chantilly')).toBe(false);
  });
});
