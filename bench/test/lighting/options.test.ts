import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { parseLightingOptions } from '../../src/lighting/options.js';
import { problemsOf, type LightingBenchResults } from '../../src/lighting/report.js';
import type { LatencyResult } from '../../src/locker/latency-sampler.js';
import { summarize } from '../../src/percentiles.js';

const DOC = '/tmp/benchmarks.md';

describe('bench:lighting options', () => {
  it('takes 80 overrides and 5 warm-ups by default, 20 when quick, 0 to leave them out', () => {
    expect(parseLightingOptions([], {}, DOC)).toMatchObject({ overrides: 80, warmup: 5 });
    expect(parseLightingOptions(['--quick'], {}, DOC)).toMatchObject({
      overrides: 20,
      docPath: null,
    });
    expect(parseLightingOptions(['--overrides=0', '--warmup=0'], {}, DOC)).toMatchObject({
      overrides: 0,
      warmup: 0,
    });
  });

  it('lists every bad flag at once', () => {
    try {
      parseLightingOptions(['--overrides=many', '--warmup=-1'], {}, DOC);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).details['problems']).toEqual([
        '--overrides: expected a whole number 0-1000, got "many"',
        '--warmup: expected a whole number ≥ 0, got "-1"',
      ]);
    }
  });
});

function path(samplesMs: number[], failures: string[] = []): LatencyResult {
  return {
    samplesMs,
    summary: summarize(samplesMs),
    decided: null,
    afterDecision: null,
    failures,
    cores: null,
    cloudCores: null,
    seconds: 1,
    loopDelayP99Ms: 1,
  };
}

describe('bench:lighting problems', () => {
  const loop = { wallMs: 1, cpuMs: 1, decisions: 2, litMinutes: 1, traces: 0, levelSum: 0 };
  const results = (latency: LightingBenchResults['overrideLatency']): LightingBenchResults => ({
    zones: 1,
    minutes: 2,
    baseline: [loop],
    controller: [loop],
    overrideLatency: latency,
  });

  it('keeps the docs when a latency sample failed or a path took none', () => {
    expect(problemsOf(results(null))).toEqual([]);
    const ok = {
      override: path([10, 12]),
      apiAnswered: summarize([4, 5]),
      mqtt: path([0.4]),
      modbus: path([0.2]),
    };
    expect(problemsOf(results(ok))).toEqual([]);
    expect(
      problemsOf(
        results({ ...ok, override: path([10], ['API override, sample 2: level 37 not written']) }),
      ),
    ).toEqual(['API override, sample 2: level 37 not written']);
    expect(problemsOf(results({ ...ok, modbus: path([]) }))).toEqual([
      'a latency path took no sample',
    ]);
  });
});
