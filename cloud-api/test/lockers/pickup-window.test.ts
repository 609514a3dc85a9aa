import { describe, expect, it } from 'vitest';
import { DEFAULT_PICKUP_HOUR, nextLocalHour } from '../../src/lockers/pickup-window.js';

const utc = (text: string) => Date.parse(text);

describe('nextLocalHour', () => {
  it('is 21:00 in the town, from the time zone offset of that day', () => {
    expect(DEFAULT_PICKUP_HOUR).toBe(21);
    // Winter (UTC+1) and summer (UTC+2) in Paris.
    expect(nextLocalHour(utc('2026-11-25T12:00:00Z'), 'Europe/Paris')).toBe(
      utc('2026-11-25T20:00:00Z'),
    );
    expect(nextLocalHour(utc('2026-07-01T08:00:00Z'), 'Europe/Paris')).toBe(
      utc('2026-07-01T19:00:00Z'),
    );
  });

  it('is tomorrow once today’s 21:00 has passed, or is now', () => {
    expect(nextLocalHour(utc('2026-11-25T20:00:00Z'), 'Europe/Paris')).toBe(
      utc('2026-11-26T20:00:00Z'),
    );
    expect(nextLocalHour(utc('2026-11-25T22:30:00Z'), 'Europe/Paris')).toBe(
      utc('2026-11-26T20:00:00Z'),
    );
    // 00:30 local on the 26th is still the 25th in UTC.
    expect(nextLocalHour(utc('2026-11-25T23:30:00Z'), 'Europe/Paris')).toBe(
      utc('2026-11-26T20:00:00Z'),
    );
  });

  it('follows the clocks across both DST changes', () => {
    // Paris springs forward on 29 March 2026: the evening before is UTC+1, the day UTC+2.
    expect(nextLocalHour(utc('2026-03-28T21:00:00Z'), 'Europe/Paris')).toBe(
      utc('2026-03-29T19:00:00Z'),
    );
    // And falls back on 25 October 2026: 21:00 is 19:00 UTC the day before, 20:00 UTC that day.
    expect(nextLocalHour(utc('2026-10-24T10:00:00Z'), 'Europe/Paris')).toBe(
      utc('2026-10-24T19:00:00Z'),
    );
    expect(nextLocalHour(utc('2026-10-24T20:00:00Z'), 'Europe/Paris')).toBe(
      utc('2026-10-25T20:00:00Z'),
    );
  });

  it('works in zones far from UTC', () => {
    // New York in winter is UTC-5; Auckland in November (daylight time) UTC+13.
    expect(nextLocalHour(utc('2026-11-25T12:00:00Z'), 'America/New_York')).toBe(
      utc('2026-11-26T02:00:00Z'),
    );
    expect(nextLocalHour(utc('2026-11-25T12:00:00Z'), 'Pacific/Auckland')).toBe(
      utc('2026-11-26T08:00:00Z'),
    );
  });
});
