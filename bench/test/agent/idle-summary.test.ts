import { describe, expect, it } from 'vitest';
import { summarizeIdle } from '../../src/agent/idle-summary.js';
import type { ProcSample } from '../../src/agent/proc-sample.js';

const MB = 1e6;
const sample = (seconds: number, rssMb: number, cpuTicks: number, threads = 11): ProcSample => ({
  at: seconds * 1000,
  rssBytes: rssMb * MB,
  rssAnonBytes: (rssMb - 40) * MB,
  cpuTicks,
  threads,
});

describe('summarizeIdle', () => {
  it('takes CPU from the tick deltas over the wall time, as a share of one core', () => {
    // 100 ticks/s: 30 ticks over 30 s is 0.3 s of CPU, 1 % of a core.
    const samples = [0, 10, 20, 30].map((t, i) => sample(t, 80, 1000 + i * 10));
    const s = summarizeIdle(samples, 100);
    expect(s?.meanCpu).toBeCloseTo(0.01, 10);
    expect(s?.seconds).toBe(30);
    expect(s?.samples).toBe(4);
  });

  it('finds the busiest window and keeps RSS mean, max, first and last', () => {
    const samples = [
      sample(0, 90, 0),
      sample(5, 95, 5),
      sample(10, 100, 10),
      sample(15, 120, 60), // a burst: 50 ticks in 5 s
      sample(20, 110, 65),
      sample(25, 95, 70),
    ];
    const s = summarizeIdle(samples, 100, 10);
    expect(s).not.toBeNull();
    // The busiest 10 s are 5 → 15 s or 10 → 20 s: 55 ticks, 0.55 s, 5.5 % of a core.
    expect(s?.peakCpu).toBeCloseTo(0.055, 10);
    expect(s?.meanCpu).toBeCloseTo(0.7 / 25, 10);
    expect(s?.meanRssBytes).toBeCloseTo((610 / 6) * MB, 3);
    expect(s?.maxRssBytes).toBe(120 * MB);
    expect(s?.meanRssAnonBytes).toBeCloseTo((610 / 6 - 40) * MB, 3);
    expect(s?.firstRssBytes).toBe(90 * MB);
    expect(s?.lastRssBytes).toBe(95 * MB);
    expect(s?.windowSeconds).toBe(10);
  });

  it('falls back to the whole run when it is shorter than the window', () => {
    const s = summarizeIdle([sample(0, 50, 0), sample(4, 60, 8)], 100, 10);
    expect(s?.peakCpu).toBeCloseTo(0.02, 10);
    expect(s?.windowSeconds).toBe(4);
  });

  it('keeps the most threads seen', () => {
    const s = summarizeIdle([sample(0, 50, 0, 7), sample(1, 50, 0, 12), sample(2, 50, 0, 9)], 100);
    expect(s?.maxThreads).toBe(12);
  });

  it('has nothing to say about fewer than two samples or no elapsed time', () => {
    expect(summarizeIdle([], 100)).toBeNull();
    expect(summarizeIdle([sample(0, 50, 0)], 100)).toBeNull();
    expect(summarizeIdle([sample(3, 50, 0), sample(3, 50, 1)], 100)).toBeNull();
    expect(summarizeIdle([sample(0, 50, 0), sample(1, 50, 1)], 0)).toBeNull();
  });
});
