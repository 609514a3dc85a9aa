import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { parseBenchOptions, type BenchOptions } from '../../src/broker/options.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseBenchOptions(argv, env, '/repo/docs/benchmarks.md') as BenchOptions;

describe('parseBenchOptions', () => {
  it('defaults to the issue’s loads, every target, and writing the docs', () => {
    const o = parse([]);
    expect(o.targets).toEqual(['aedes', 'hameau', 'mosquitto']);
    expect(o.loads).toEqual(['throughput', 'fan-in']);
    expect(o.throughput).toMatchObject({ messages: 50_000, warmup: 5_000, window: 100 });
    expect(o.fanIn).toMatchObject({ clients: 3_000, durationSeconds: 20, warmupSeconds: 5 });
    expect(o.docPath).toBe('/repo/docs/benchmarks.md');
    expect(o.mosquittoUrl).toBe('mqtt://127.0.0.1:1883');
  });

  it('makes quick runs small and leaves the docs alone', () => {
    const o = parse(['--quick']);
    expect(o.fanIn).toMatchObject({ clients: 300, durationSeconds: 5 });
    expect(o.throughput.messages).toBe(5_000);
    expect(o.docPath).toBeNull();
  });

  it('keeps the baseline first whatever order targets are given in', () => {
    expect(parse(['--targets=mosquitto,aedes']).targets).toEqual(['aedes', 'mosquitto']);
  });

  it('reports every bad flag at once', () => {
    let error: unknown;
    try {
      parse(['--targets=aedes,redis', '--clients=0', '--window=5000', '--mosquitto-url=http://x']);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(4);
  });
});
