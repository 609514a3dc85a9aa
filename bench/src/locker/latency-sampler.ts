import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage } from '../bench-run.js';
import { summarize, type Summary } from '../percentiles.js';
import { CpuMeter } from '../process-cpu.js';

/** One measured path: its timed samples and what failed. */
export interface LatencyResult {
  /** t0 → t1 of each timed sample, ms, in the order taken. */
  readonly samplesMs: readonly number[];
  readonly summary: Summary;
  /**
   * t0 → the agent's announcement of the opening (`code-accepted`, `remote-unlock`, written to
   * its outbox just before it calls the driver), for the paths through the agent; else null.
   */
  readonly decided: Summary | null;
  /** The announcement → t1: the driver's share of the path (null on the baselines). */
  readonly afterDecision: Summary | null;
  /** One line per failed sample (warm-up ones included); a good run has none. */
  readonly failures: readonly string[];
  /** Share of one core the bench process used while the timed samples ran (their upkeep too). */
  readonly cores: number | null;
  /** The same for the cloud's process (API and broker). */
  readonly cloudCores: number | null;
  /** Wall time of the timed samples, s. */
  readonly seconds: number;
  /** p99 of the bench process's event-loop delay over the timed samples, ms. */
  readonly loopDelayP99Ms: number;
}

/** What one sample measured, ms from its t0. */
export interface SampleTimes {
  /** t1: the frame (or the message) arrived. */
  readonly totalMs: number;
  /** The agent announced the opening; absent on the baselines. */
  readonly decidedMs?: number;
}

/** How to take one path's samples. */
export interface SamplerOptions {
  /** For the log, e.g. `local pickup`. */
  readonly label: string;
  readonly samples: number;
  readonly warmup: number;
  /**
   * Each sample starts after a random pause of up to this many ms (the driver's poll period),
   * so its unlock lands anywhere in a poll round: sometimes behind a status poll on the wire.
   */
  readonly jitterMs: number;
  readonly log: (line: string) => void;
  /** The cloud's process, whose CPU is measured too. */
  readonly cloudPid: number | null;
  /** Untimed: gets sample `i` ready (a box in the right state, credentials, the rate cap). */
  readonly prepare: (i: number) => Promise<void>;
  /** The sample itself; throws when it failed. */
  readonly measure: (i: number) => Promise<SampleTimes>;
}

/** A path that fails this often is broken: the rest of its samples would only wait on timeouts. */
const MAX_FAILURES = 5;

/** Takes `warmup` untimed then `samples` timed samples, one at a time. */
export async function sampleLatency(o: SamplerOptions): Promise<LatencyResult> {
  const cpu = new CpuMeter(process.pid);
  const cloudCpu = new CpuMeter(o.cloudPid);
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const timed: number[] = [];
  const decided: number[] = [];
  const afterDecision: number[] = [];
  const failures: string[] = [];
  const total = o.warmup + o.samples;
  const every = Math.max(1, Math.round(o.samples / 4));
  let started: number | null = null;
  for (let i = 0; i < total; i++) {
    if (i === o.warmup) {
      cpu.start();
      cloudCpu.start();
      lag.enable();
      started = performance.now();
    }
    try {
      await o.prepare(i);
      await delay(Math.random() * o.jitterMs);
      const sample = await o.measure(i);
      if (i >= o.warmup) {
        timed.push(sample.totalMs);
        if (sample.decidedMs !== undefined) {
          decided.push(sample.decidedMs);
          afterDecision.push(sample.totalMs - sample.decidedMs);
        }
      }
    } catch (err) {
      const what = i < o.warmup ? `warm-up sample ${i + 1}` : `sample ${i - o.warmup + 1}`;
      failures.push(`${o.label}, ${what}: ${errorMessage(err)}`);
      o.log(`${o.label}: ${what} failed: ${errorMessage(err)}`);
      if (failures.length >= MAX_FAILURES) {
        o.log(`${o.label}: ${MAX_FAILURES} failures, giving up on the rest`);
        break;
      }
    }
    const done = i + 1 - o.warmup;
    if (done > 0 && (done % every === 0 || done === o.samples)) {
      o.log(`${o.label}: ${done}/${o.samples}`);
    }
  }
  const cores = started === null ? null : cpu.stop();
  const cloudCores = started === null ? null : cloudCpu.stop();
  lag.disable();
  return {
    samplesMs: timed,
    summary: summarize(timed),
    decided: decided.length > 0 ? summarize(decided) : null,
    afterDecision: afterDecision.length > 0 ? summarize(afterDecision) : null,
    failures,
    cores,
    cloudCores,
    seconds: started === null ? 0 : (performance.now() - started) / 1000,
    // The histogram is in ns; with no sample at all it reports a huge sentinel.
    loopDelayP99Ms: lag.count > 0 ? lag.percentile(99) / 1e6 : Number.NaN,
  };
}
