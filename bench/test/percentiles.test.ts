import { describe, expect, it } from 'vitest';
import { percentile, summarize } from '../src/percentiles.js';

describe('percentile', () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

  it('uses the nearest rank, always returning a measured sample', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 99.5)).toBe(100);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it('gives the smallest sample at 0 and the largest at 100', () => {
    expect(percentile([3, 7, 9], 0)).toBe(3);
    expect(percentile([3, 7, 9], 100)).toBe(9);
  });

  it('is NaN for no samples and rejects percentiles outside 0-100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts numerically (not as strings) without touching the input', () => {
    const samples = [10, 9, 100, 1, 2];
    const s = summarize(samples);
    expect(s).toEqual({ count: 5, min: 1, mean: 24.4, p50: 9, p95: 100, p99: 100, max: 100 });
    expect(samples).toEqual([10, 9, 100, 1, 2]);
  });

  it('separates the tail from the median', () => {
    const samples = new Float64Array(1000).fill(1);
    samples.fill(40, 990);
    const s = summarize(samples);
    expect(s.p50).toBe(1);
    expect(s.p95).toBe(1);
    expect(s.p99).toBe(1);
    samples[989] = 40;
    expect(summarize(samples).p99).toBe(40);
  });

  it('reports NaN everywhere when there is nothing to summarize', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    for (const v of [s.min, s.mean, s.p50, s.p95, s.p99, s.max]) expect(v).toBeNaN();
  });
});
