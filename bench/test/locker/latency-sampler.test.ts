import { describe, expect, it } from 'vitest';
import { sampleLatency, type SamplerOptions } from '../../src/locker/latency-sampler.js';

const base = (over: Partial<SamplerOptions>): SamplerOptions => ({
  label: 'test',
  samples: 4,
  warmup: 2,
  jitterMs: 0,
  log: () => undefined,
  cloudPid: null,
  prepare: () => Promise.resolve(),
  measure: () => Promise.resolve({ totalMs: 1 }),
  ...over,
});

describe('sampleLatency', () => {
  it('times only the samples after the warm-up, prepared one at a time', async () => {
    const prepared: number[] = [];
    const r = await sampleLatency(
      base({
        prepare: (i) => {
          prepared.push(i);
          return Promise.resolve();
        },
        measure: (i) => Promise.resolve({ totalMs: 100 + i, decidedMs: i }),
      }),
    );
    expect(prepared).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.samplesMs).toEqual([102, 103, 104, 105]);
    expect(r.summary.p50).toBe(103);
    expect(r.decided?.max).toBe(5);
    expect(r.afterDecision?.p50).toBe(100);
    expect(r.failures).toEqual([]);
  });

  it('has no split for a path without the agent', async () => {
    const r = await sampleLatency(base({}));
    expect(r.decided).toBeNull();
    expect(r.afterDecision).toBeNull();
  });

  it('records failures, warm-up ones too, and gives up after five', async () => {
    let calls = 0;
    const r = await sampleLatency(
      base({
        samples: 20,
        warmup: 1,
        measure: () => {
          calls += 1;
          return calls % 2 === 0
            ? Promise.reject(new Error('no frame'))
            : Promise.resolve({ totalMs: 2 });
        },
      }),
    );
    expect(r.failures).toHaveLength(5);
    expect(r.failures[0]).toBe('test, sample 1: no frame');
    expect(r.samplesMs).toEqual([2, 2, 2, 2]);
    expect(calls).toBe(10);

    const early = await sampleLatency(
      base({ measure: () => Promise.reject(new Error('down')), samples: 1, warmup: 5 }),
    );
    expect(early.failures[0]).toBe('test, warm-up sample 1: down');
    expect(early.cores).toBeNull();
  });
});
