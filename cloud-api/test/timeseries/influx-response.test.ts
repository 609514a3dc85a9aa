import { describe, expect, it } from 'vitest';
import { parseLatestResponse, parseSeriesResponse } from '../../src/timeseries/influx-response.js';
import { parseSeriesQuery } from '../../src/timeseries/series-query.js';

const query = (
  aggregate: 'mean' | 'sum' | 'count' | 'last' | 'min' | 'max',
  groupBy: string[] = [],
) =>
  parseSeriesQuery({
    measurement: 'm',
    field: 'p',
    from: 0,
    to: 100,
    resolution: 'raw',
    aggregate,
    groupBy,
  });

const answer = (series: unknown[]) => ({ results: [{ statement_id: 0, series }] });

describe('InfluxDB query answers', () => {
  it('combines raw points of several series at the same instant with the aggregate', () => {
    const body = answer([
      {
        name: 'm',
        columns: ['time', 'p'],
        values: [
          [1, 2],
          [1, 4],
          [3, 5],
          [2, null],
        ],
      },
    ]);
    expect(parseSeriesResponse(body, query('mean'), 'raw').series[0]?.points).toEqual([
      [1, 3],
      [3, 5],
    ]);
    expect(parseSeriesResponse(body, query('sum'), 'raw').series[0]?.points).toEqual([
      [1, 6],
      [3, 5],
    ]);
    expect(parseSeriesResponse(body, query('count'), 'raw').series[0]?.points).toEqual([
      [1, 2],
      [3, 1],
    ]);
    expect(parseSeriesResponse(body, query('min'), 'raw').series[0]?.points).toEqual([
      [1, 2],
      [3, 5],
    ]);
    expect(parseSeriesResponse(body, query('max'), 'raw').series[0]?.points).toEqual([
      [1, 4],
      [3, 5],
    ]);
  });

  it("fills absent group tags with '' and orders groups by tags", () => {
    const body = answer([
      { name: 'm', tags: { site: 'b' }, columns: ['time', 'p'], values: [[1, 1]] },
      { name: 'm', tags: { site: '' }, columns: ['time', 'p'], values: [[1, 2]] },
      { name: 'm', tags: { site: 'a' }, columns: ['time', 'p'], values: [] },
    ]);
    expect(parseSeriesResponse(body, query('mean', ['site']), 'raw').series).toEqual([
      { tags: { site: '' }, points: [[1, 2]] },
      { tags: { site: 'b' }, points: [[1, 1]] },
    ]);
  });

  it('answers nothing for an empty result', () => {
    expect(parseSeriesResponse({ results: [{ statement_id: 0 }] }, query('mean'), '1m')).toEqual({
      resolution: '1m',
      series: [],
    });
  });

  it("drops the '' tags GROUP BY * adds for keys a series does not have", () => {
    const body = answer([
      { name: 'm', tags: { site: 's', phase: '' }, columns: ['time', 'last'], values: [[5, 1.5]] },
    ]);
    expect(parseLatestResponse(body)).toEqual([{ tags: { site: 's' }, time: 5, value: 1.5 }]);
  });

  it('refuses an answer that is not InfluxDB JSON, or an error answer', () => {
    expect(() => parseLatestResponse({ results: 'nope' })).toThrow(/unexpected JSON/);
    expect(() => parseLatestResponse({ error: 'authorization failed' })).toThrow(
      'InfluxDB refused the query: authorization failed',
    );
  });
});
