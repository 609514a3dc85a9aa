import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../../../src/modules/lighting/control/civil-date.js';
import { isTimeZone, ZonedTime } from '../../../../src/modules/lighting/control/zoned-time.js';

const HOUR_MS = 3_600_000;
const minutes = (hh: number, mm: number) => hh * 60 + mm;

describe('local time in an IANA zone', () => {
  const paris = new ZonedTime('Europe/Paris');

  it('knows the offset either side of the clock changes', () => {
    expect(paris.offsetAt(Date.parse('2026-03-29T00:59:59Z'))).toBe(HOUR_MS);
    expect(paris.offsetAt(Date.parse('2026-03-29T01:00:00Z'))).toBe(2 * HOUR_MS);
    expect(paris.offsetAt(Date.parse('2026-10-25T00:59:59Z'))).toBe(2 * HOUR_MS);
    expect(paris.offsetAt(Date.parse('2026-10-25T01:00:00Z'))).toBe(HOUR_MS);
  });

  it('reads the local date and wall time of an instant', () => {
    const t = Date.parse('2026-01-15T23:30:00Z'); // 00:30 on the 16th in Paris
    expect(paris.localDay(t)).toBe(parseIsoDate('2026-01-16'));
    expect(paris.localMinutes(t)).toBe(minutes(0, 30));
    expect(paris.formatHm(t)).toBe('00:30');
  });

  it('moves a wall time skipped by spring-forward on by the gap', () => {
    const day = parseIsoDate('2026-03-29');
    expect(paris.instantOf(day, minutes(1, 30))).toBe(Date.parse('2026-03-29T00:30:00Z'));
    expect(paris.instantOf(day, minutes(2, 0))).toBe(Date.parse('2026-03-29T01:00:00Z'));
    expect(paris.instantOf(day, minutes(2, 30))).toBe(Date.parse('2026-03-29T01:30:00Z'));
    expect(paris.instantOf(day, minutes(3, 0))).toBe(Date.parse('2026-03-29T01:00:00Z'));
    expect(paris.instantOf(day, minutes(3, 30))).toBe(Date.parse('2026-03-29T01:30:00Z'));
  });

  it('takes the first of a wall time repeated by fall-back', () => {
    const day = parseIsoDate('2026-10-25');
    expect(paris.instantOf(day, minutes(1, 30))).toBe(Date.parse('2026-10-24T23:30:00Z'));
    expect(paris.instantOf(day, minutes(2, 30))).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(paris.instantOf(day, minutes(3, 30))).toBe(Date.parse('2026-10-25T02:30:00Z'));
  });

  it('works south of the equator, where summer time spans New Year', () => {
    const sydney = new ZonedTime('Australia/Sydney');
    expect(sydney.instantOf(parseIsoDate('2026-01-15'), minutes(12, 0))).toBe(
      Date.parse('2026-01-15T01:00:00Z'),
    );
    expect(sydney.instantOf(parseIsoDate('2026-07-15'), minutes(12, 0))).toBe(
      Date.parse('2026-07-15T02:00:00Z'),
    );
  });

  it('tells IANA zones from made-up ones', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Chantilly')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
