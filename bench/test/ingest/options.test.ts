import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { parseIngestOptions, type IngestBenchOptions } from '../../src/ingest/options.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseIngestOptions(argv, env, '/repo/docs/benchmarks.md') as IngestBenchOptions;

describe('parseIngestOptions', () => {
  it('defaults to every scenario at the budget’s rate, and writing the docs', () => {
    const o = parse([]);
    expect(o.scenarios).toEqual([
      'embedded-sqlite',
      'embedded-postgres',
      'influx-sqlite',
      'influx-direct',
      'embedded-direct',
    ]);
    expect(o).toMatchObject({
      messages: 100_000,
      warmup: 10_000,
      ratePerSecond: 20_000,
      devices: 100,
      window: 32,
      postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      docPath: '/repo/docs/benchmarks.md',
      profileDir: null,
    });
  });

  it('makes quick runs small and leaves the docs alone', () => {
    const o = parse(['--quick']);
    expect(o).toMatchObject({ messages: 10_000, warmup: 1_000, devices: 20, docPath: null });
  });

  it('keeps end-to-end scenarios before the baselines whatever order they are given in', () => {
    expect(parse(['--scenarios=embedded-direct,embedded-sqlite']).scenarios).toEqual([
      'embedded-sqlite',
      'embedded-direct',
    ]);
  });

  it('takes the PostgreSQL server from the environment', () => {
    const url = 'postgres://bench@db.example:5433/postgres';
    expect(parse([], { HAMEAU_BENCH_POSTGRES_URL: url }).postgresUrl).toBe(url);
  });

  it('reports every bad flag at once', () => {
    let error: unknown;
    try {
      parse([
        '--scenarios=embedded-sqlite,redis',
        '--messages=0',
        '--rate=fast',
        '--write',
        '--no-write',
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(4);
  });
});
