import { describe, expect, it } from 'vitest';
import { coverRange, finerLevel, periodPlan, queriesFor } from '../../src/energy/read-plan.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.UTC(2026, 9, 1);

describe('read plan', () => {
  it('covers a range with whole UTC days in the middle and finer buckets at the ends', () => {
    expect(coverRange(T - HOUR - 15 * 60_000, T + 2 * DAY + 2 * HOUR)).toEqual([
      { from: T - HOUR - 15 * 60_000, to: T - HOUR, level: '15m' },
      { from: T - HOUR, to: T, level: '1h' },
      { from: T, to: T + 2 * DAY, level: '1d' },
      { from: T + 2 * DAY, to: T + 2 * DAY + 2 * HOUR, level: '1h' },
    ]);
  });

  it('reads an anchor hour before each boundary and days between', () => {
    // Local midnights in Paris (UTC+1): 23:00Z.
    const boundaries = [T - HOUR, T + 30 * DAY - HOUR];
    const { anchor, pieces } = periodPlan(boundaries);
    expect(anchor).toBe('1h');
    expect(pieces).toEqual([
      { from: T - 2 * HOUR, to: T - HOUR, level: '1h' },
      { from: T - HOUR, to: T, level: '1h' },
      { from: T, to: T + 29 * DAY, level: '1d' },
      { from: T + 29 * DAY, to: T + 30 * DAY - 2 * HOUR, level: '1h' },
      { from: T + 30 * DAY - 2 * HOUR, to: T + 30 * DAY - HOUR, level: '1h' },
    ]);
    // Days in one query; the hours of each boundary in one query each.
    expect(queriesFor(pieces)).toEqual([
      { from: T, to: T + 29 * DAY, level: '1d' },
      { from: T - 2 * HOUR, to: T, level: '1h' },
      { from: T + 29 * DAY, to: T + 30 * DAY - HOUR, level: '1h' },
    ]);
  });

  it('anchors on quarters where midnight is not on a whole UTC hour', () => {
    expect(periodPlan([T - 5.5 * HOUR, T + DAY - 5.5 * HOUR]).anchor).toBe('15m');
  });

  it('reads every hour in one query when the hours fill the span (days by hour)', () => {
    const boundaries = Array.from({ length: 25 }, (_, i) => T + i * HOUR);
    expect(queriesFor(periodPlan(boundaries).pieces)).toEqual([
      { from: T - HOUR, to: T + 24 * HOUR, level: '1h' },
    ]);
  });

  it('goes one level finer on which the range still falls', () => {
    expect(finerLevel('1d', T - HOUR, T + DAY)).toBe('1h');
    expect(finerLevel('1h', T, T + 2 * HOUR)).toBe('15m');
    expect(finerLevel('1m', T, T + 60_000)).toBe('raw');
    expect(finerLevel('raw', T, T + 1)).toBeUndefined();
  });
});
