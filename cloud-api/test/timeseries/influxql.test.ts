import { describe, expect, it } from 'vitest';
import {
  latestToInfluxQL,
  quoteIdent,
  quoteString,
  seriesQueryToInfluxQL,
} from '../../src/timeseries/influxql.js';
import { parseSeriesQuery } from '../../src/timeseries/series-query.js';

const T = 1767225600000; // 2026-01-01T00:00Z, on every bucket boundary

describe('InfluxQL', () => {
  it('quotes identifiers and strings', () => {
    expect(quoteIdent('power w')).toBe('"power w"');
    expect(quoteIdent('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteString(`it's`)).toBe(`'it\\'s'`);
    expect(quoteString('c:\\m')).toBe(`'c:\\\\m'`);
  });

  it('asks for an aggregate per bucket over whole buckets, grouped by tags', () => {
    const q = parseSeriesQuery({
      measurement: 'energy',
      field: 'power_w',
      tags: { site: 'town hall', device: 'm' },
      from: T + 61_000,
      to: T + 15 * 60_000 + 1,
      resolution: '15m',
      aggregate: 'max',
      groupBy: ['source', 'phase'],
    });
    expect(seriesQueryToInfluxQL(q, '15m')).toBe(
      `SELECT max("power_w") FROM "energy" WHERE time >= ${T}ms AND time < ${T + 30 * 60_000}ms` +
        ` AND "device" = 'm' AND "site" = 'town hall'` +
        ` GROUP BY time(900000ms), "source", "phase" fill(none)`,
    );
  });

  it('asks for plain values at raw resolution, over the exact range', () => {
    const q = parseSeriesQuery({
      measurement: 'energy',
      field: 'p',
      from: T + 1,
      to: T + 2,
      resolution: 'raw',
    });
    expect(seriesQueryToInfluxQL(q, 'raw')).toBe(
      `SELECT "p" FROM "energy" WHERE time >= ${T + 1}ms AND time < ${T + 2}ms`,
    );
    const grouped = parseSeriesQuery({ ...q, groupBy: ['source'] });
    expect(seriesQueryToInfluxQL(grouped, 'raw')).toBe(
      `SELECT "p" FROM "energy" WHERE time >= ${T + 1}ms AND time < ${T + 2}ms GROUP BY "source"`,
    );
  });

  it('asks for the last value of every series', () => {
    const latest = (tags: Record<string, string>, since: number | null = null) =>
      latestToInfluxQL({ measurement: 'energy', field: 'p', tags, since });
    expect(latest({})).toBe('SELECT last("p") FROM "energy" GROUP BY *');
    expect(latest({ source: 'm1', site: 's' })).toBe(
      `SELECT last("p") FROM "energy" WHERE "site" = 's' AND "source" = 'm1' GROUP BY *`,
    );
  });

  it('bounds the last value in time when asked since when', () => {
    const latest = (tags: Record<string, string>) =>
      latestToInfluxQL({ measurement: 'energy', field: 'p', tags, since: T });
    expect(latest({})).toBe(`SELECT last("p") FROM "energy" WHERE time >= ${T}ms GROUP BY *`);
    expect(latest({ source: 'm1' })).toBe(
      `SELECT last("p") FROM "energy" WHERE time >= ${T}ms AND "source" = 'm1' GROUP BY *`,
    );
  });
});
