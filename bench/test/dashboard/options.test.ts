import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { parseDashboardOptions, type DashboardBenchOptions } from '../../src/dashboard/options.js';

const defaults = { docPath: '/repo/docs/benchmarks.md', cacheDir: '/repo/data/bench-dashboard' };
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseDashboardOptions(argv, env, defaults) as DashboardBenchOptions;

describe('parseDashboardOptions', () => {
  it('defaults to the issue’s sizes, both parts, and writing the docs', () => {
    const o = parse([]);
    expect(o.parts).toEqual(['series', 'live']);
    expect(o.series).toMatchObject({
      dataset: { meters: 50, days: 365 },
      runs: 30,
      cacheDir: '/repo/data/bench-dashboard',
      reload: false,
      influx: true,
    });
    expect(o.live).toMatchObject({ viewers: 1_000, devices: 5, ratePerSecond: 20, seconds: 30 });
    expect(o.docPath).toBe('/repo/docs/benchmarks.md');
  });

  it('makes quick runs small and leaves the docs alone', () => {
    const o = parse(['--quick']);
    expect(o.series.dataset).toEqual({ meters: 5, days: 30 });
    expect(o.live.viewers).toBe(100);
    expect(o.docPath).toBeNull();
  });

  it('takes sizes, a part, a cache folder and InfluxDB left out', () => {
    const o = parse([
      '--parts=live',
      '--meters=10',
      '--days=7',
      '--viewers=20',
      '--no-influx',
      '--reload',
      '--cache-dir=/tmp/c',
    ]);
    expect(o.parts).toEqual(['live']);
    expect(o.series).toMatchObject({
      dataset: { meters: 10, days: 7 },
      influx: false,
      reload: true,
      cacheDir: '/tmp/c',
    });
    expect(o.live.viewers).toBe(20);
    expect(parse(['--parts=live,series']).parts).toEqual(['series', 'live']);
  });

  it('lists every bad option at once', () => {
    let error: unknown;
    try {
      parse([
        '--parts=graphs',
        '--meters=0',
        '--days=4000',
        '--viewers=many',
        '--write',
        '--no-write',
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    for (const part of ['--parts', '--meters', '--days', '--viewers', 'contradict']) {
      expect(text).toContain(part);
    }
  });
});
