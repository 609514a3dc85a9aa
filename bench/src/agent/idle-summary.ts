import type { ProcSample } from './proc-sample.js';

/** What an agent cost while sampled. */
export interface IdleSummary {
  readonly samples: number;
  /** Wall time from the first sample to the last, s. */
  readonly seconds: number;
  readonly meanRssBytes: number;
  readonly maxRssBytes: number;
  /** The mean of the anonymous part (heap, malloc, stacks); the rest is file pages. */
  readonly meanRssAnonBytes: number;
  /** RSS at the first and the last sample: a steady climb over the window is a leak to look at. */
  readonly firstRssBytes: number;
  readonly lastRssBytes: number;
  /** CPU over the whole window as a share of one core (0.01 = 1 %). */
  readonly meanCpu: number;
  /** The busiest stretch of `windowSeconds` (or the whole run when shorter), share of one core. */
  readonly peakCpu: number;
  readonly windowSeconds: number;
  readonly maxThreads: number;
}

/**
 * Sums up samples of one process, in time order: mean and max RSS, CPU from the tick counts'
 * deltas (so it counts every tick between the first and the last sample, not just at the
 * samples), and the busiest window of `windowSeconds`. Null with fewer than two samples.
 */
export function summarizeIdle(
  samples: readonly ProcSample[],
  ticksPerSecond: number,
  windowSeconds = 10,
): IdleSummary | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined || samples.length < 2) return null;
  const seconds = (last.at - first.at) / 1000;
  if (!(seconds > 0) || !(ticksPerSecond > 0)) return null;
  const cpuOf = (from: ProcSample, to: ProcSample) =>
    (to.cpuTicks - from.cpuTicks) / ticksPerSecond / ((to.at - from.at) / 1000);

  // For each sample, the earliest one at least `windowSeconds` before it ends a window there.
  let peakCpu = 0;
  let start = 0;
  let anyWindow = false;
  for (let end = 1; end < samples.length; end++) {
    const to = samples[end] as ProcSample;
    while (
      start + 1 < end &&
      to.at - (samples[start + 1] as ProcSample).at >= windowSeconds * 1000
    ) {
      start++;
    }
    const from = samples[start] as ProcSample;
    if (to.at - from.at >= windowSeconds * 1000) {
      anyWindow = true;
      peakCpu = Math.max(peakCpu, cpuOf(from, to));
    }
  }
  const meanCpu = cpuOf(first, last);
  if (!anyWindow) peakCpu = meanCpu;

  let rssSum = 0;
  let anonSum = 0;
  let maxRssBytes = 0;
  let maxThreads = 0;
  for (const s of samples) {
    rssSum += s.rssBytes;
    anonSum += s.rssAnonBytes;
    maxRssBytes = Math.max(maxRssBytes, s.rssBytes);
    maxThreads = Math.max(maxThreads, s.threads);
  }
  return {
    samples: samples.length,
    seconds,
    meanRssBytes: rssSum / samples.length,
    maxRssBytes,
    meanRssAnonBytes: anonSum / samples.length,
    firstRssBytes: first.rssBytes,
    lastRssBytes: last.rssBytes,
    meanCpu,
    peakCpu,
    windowSeconds: anyWindow ? windowSeconds : seconds,
    maxThreads,
  };
}
