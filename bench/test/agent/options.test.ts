import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { parseAgentOptions } from '../../src/agent/options.js';

const DOC = '/tmp/benchmarks.md';

describe('bench:agent options', () => {
  it('samples 120 s after 30 s of warm-up by default, 20 s after 10 s when quick', () => {
    expect(parseAgentOptions([], {}, DOC)).toEqual({
      quick: false,
      warmupSeconds: 30,
      seconds: 120,
      intervalMs: 1_000,
      nodeFlags: [],
      docPath: DOC,
    });
    expect(parseAgentOptions([], { HAMEAU_BENCH_QUICK: '1' }, DOC)).toMatchObject({
      quick: true,
      warmupSeconds: 10,
      seconds: 20,
      docPath: null,
    });
  });

  it('passes node flags through, split on spaces', () => {
    expect(
      parseAgentOptions(['--node-flags= --max-old-space-size=64  --jitless'], {}, DOC),
    ).toMatchObject({ nodeFlags: ['--max-old-space-size=64', '--jitless'] });
  });

  it('lists every bad flag at once', () => {
    try {
      parseAgentOptions(['--seconds=2', '--warmup=soon', '--node-flags=64'], {}, DOC);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).details['problems']).toEqual([
        '--seconds: expected a whole number 5-3600, got "2"',
        '--warmup: expected a whole number 0-3600, got "soon"',
        '--node-flags: expected node flags, got 64',
      ]);
    }
  });

  it('refuses a sample interval longer than the sampled time', () => {
    expect(() => parseAgentOptions(['--seconds=5', '--interval-ms=6000'], {}, DOC)).toThrow(
      ConfigError,
    );
  });

  it('answers help', () => {
    expect(parseAgentOptions(['--help'], {}, DOC)).toBe('help');
  });
});
