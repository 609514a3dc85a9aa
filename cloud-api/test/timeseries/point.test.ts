import { describe, expect, it } from 'vitest';
import {
  assertValidPoints,
  isLineSafe,
  pointProblems,
  type Point,
} from '../../src/timeseries/point.js';
import { TimeSeriesError } from '../../src/timeseries/time-series-error.js';

const ok: Point = {
  measurement: 'energy',
  tags: { source: 'm1' },
  fields: { p: 1, seq: 2 },
  time: 5,
};

describe('point validation', () => {
  it.each([
    ['meter 7, "east"', true],
    ['c:\\meters', true],
    ['', false],
    ['ends with\\', false],
    ['a\\\\b', false],
    ['a\\,b', false],
    ['a\\=b', false],
    ['a\\ b', false],
    ['two\nlines', false],
    ['cr\r', false],
  ])('%j is line-safe: %s', (text, safe) => {
    expect(isLineSafe(text)).toBe(safe);
  });

  it('accepts a valid point', () => {
    expect(pointProblems(ok)).toEqual([]);
  });

  it('lists every problem of a point', () => {
    expect(
      pointProblems({
        measurement: '',
        tags: { time: 'x', site: '' },
        fields: { p: Infinity, seq: -1.5, _field: 1 },
        time: 1.5,
      }),
    ).toEqual([
      'measurement "" is empty or not line-safe',
      'tag key "time" is empty, reserved or not line-safe',
      'tag site: value "" is empty or not line-safe',
      'field p: Infinity is not a finite number',
      'field seq: -1.5 is not an integer',
      'field key "_field" is empty, reserved or not line-safe',
      'time 1.5 is not an integer number of milliseconds',
    ]);
  });

  it('refuses a batch with the index of each bad point', () => {
    let error: unknown;
    try {
      assertValidPoints([ok, { ...ok, time: Number.NaN }, ok, { ...ok, measurement: 'a\nb' }]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TimeSeriesError);
    expect(error).toMatchObject({
      code: 'TSDB_POINT_INVALID',
      httpStatus: 400,
      details: {
        problems: [
          'point 1: time NaN is not an integer number of milliseconds',
          'point 3: measurement "a\\nb" is empty or not line-safe',
        ],
      },
    });
  });
});
