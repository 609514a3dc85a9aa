import { describe, expect, it } from 'vitest';
import { chartedMeter, compareAnswers, queryShapes } from '../../src/dashboard/query-shapes.js';

describe('compareAnswers', () => {
  const answer = { shape: '1m: 1 × 3', values: [60_000, 1_250.5, 120_000, null] };

  it('accepts the same answer, and sums that differ only in their last digits', () => {
    expect(compareAnswers(answer, { ...answer })).toBeNull();
    expect(
      compareAnswers(
        { shape: 's', values: [0.1 + 0.2, 1e9] },
        { shape: 's', values: [0.3, 1e9 + 0.5] },
      ),
    ).toBeNull();
  });

  it('tells where two answers differ', () => {
    expect(compareAnswers(answer, { ...answer, shape: '15m: 1 × 3' })).toContain('shapes differ');
    expect(compareAnswers(answer, { ...answer, values: answer.values.slice(1) })).toContain(
      '4 values against 3',
    );
    expect(compareAnswers(answer, { ...answer, values: [60_000, 1_250.6, 120_000, null] })).toBe(
      'value 1: 1250.5 against 1250.6',
    );
    expect(compareAnswers(answer, { ...answer, values: [60_000, 1_250.5, 120_000, 0] })).toBe(
      'value 3: null against 0',
    );
  });
});

describe('queryShapes', () => {
  it('names each call once, and charts a meter that exists in a small town too', () => {
    const ids = queryShapes(50).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(chartedMeter(50)).toEqual({ site: 'site-07', device: 'meters-1', meter: 'meter-07' });
    expect(chartedMeter(3)).toEqual({ site: 'site-02', device: 'meters-1', meter: 'meter-02' });
  });
});
