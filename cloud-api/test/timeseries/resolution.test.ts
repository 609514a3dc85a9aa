import { describe, expect, it } from 'vitest';
import { bucketStart, chooseResolution, coveredRange } from '../../src/timeseries/resolution.js';
import {
  DEFAULT_RETENTION,
  RetentionConfig,
  retentionCutoff,
} from '../../src/timeseries/retention.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T = Date.UTC(2026, 0, 1);

describe('resolutions', () => {
  it('aligns buckets on the epoch, before 1970 too', () => {
    expect(bucketStart(T + 61_000, MIN)).toBe(T + MIN);
    expect(bucketStart(-1, HOUR)).toBe(-HOUR);
  });

  it('covers whole buckets overlapping [from, to)', () => {
    expect(coveredRange(T + 1, T + MIN, '1m')).toEqual({ from: T, to: T + MIN });
    expect(coveredRange(T + 1, T + MIN + 1, '1m')).toEqual({ from: T, to: T + 2 * MIN });
    expect(coveredRange(T + 1, T + 2, 'raw')).toEqual({ from: T + 1, to: T + 2 });
  });

  it('chooses the finest resolution with at most 2,000 buckets', () => {
    const all = () => -Infinity;
    expect(chooseResolution(T, T + 2_000 * 1_000, all)).toBe('raw');
    expect(chooseResolution(T, T + 2_001 * 1_000, all)).toBe('1m');
    expect(chooseResolution(T, T + 2_000 * MIN, all)).toBe('1m');
    expect(chooseResolution(T, T + 2_001 * MIN, all)).toBe('15m');
    expect(chooseResolution(T, T + 2_001 * 15 * MIN, all)).toBe('1h');
    expect(chooseResolution(T, T + 2_000 * HOUR, all)).toBe('1h');
    expect(chooseResolution(T, T + 365 * DAY, all)).toBe('1d');
    expect(chooseResolution(T, T + 20 * 365 * DAY, all)).toBe('1d');
  });

  it('skips resolutions whose retention no longer reaches `from`', () => {
    const held = {
      raw: T,
      '1m': T - DAY,
      '15m': -Infinity,
      '1h': -Infinity,
      '1d': -Infinity,
    } as const;
    expect(chooseResolution(T - 1, T + MIN, (r) => held[r])).toBe('1m');
    expect(chooseResolution(T - DAY - 1, T - DAY + MIN, (r) => held[r])).toBe('15m');
  });
});

describe('retention', () => {
  it('defaults to raw 7 days, 1 min 30 days, 15 min 400 days, 1 h and 1 day forever', () => {
    expect(DEFAULT_RETENTION).toEqual({ raw: 7, '1m': 30, '15m': 400, '1h': null, '1d': null });
  });

  it('cuts on the UTC day boundary at or before now minus the retention', () => {
    expect(retentionCutoff(DEFAULT_RETENTION, 'raw', T + 23 * HOUR)).toBe(T - 7 * DAY);
    expect(retentionCutoff(DEFAULT_RETENTION, '1m', T - 1)).toBe(T - 31 * DAY);
    expect(retentionCutoff(DEFAULT_RETENTION, '1h', T)).toBeNull();
  });

  it('refuses a coarser resolution kept for less time than a finer one', () => {
    const result = RetentionConfig.safeParse({
      raw: 10,
      '1m': 5,
      '15m': 400,
      '1h': 100,
      '1d': null,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['1m', 'must keep at least as long as raw (10 days)'],
      ['1h', 'must keep at least as long as 15m (400 days)'],
    ]);
    expect(RetentionConfig.safeParse({ '1m': null, '15m': 10 }).success).toBe(false);
    expect(RetentionConfig.safeParse({ raw: 0 }).success).toBe(false);
  });
});
