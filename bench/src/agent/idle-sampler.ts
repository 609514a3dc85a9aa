import { execFileSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { readProcSample, type ProcSample } from './proc-sample.js';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux almost always). */
export function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/**
 * Samples process `pid` every `intervalMs` for `seconds`, on a fixed schedule (a late sample
 * does not shift the next ones). Throws if the process is gone before the end: an agent that
 * died has no idle figures.
 */
export async function sampleProcess(
  pid: number,
  opts: { readonly seconds: number; readonly intervalMs: number },
): Promise<ProcSample[]> {
  const samples: ProcSample[] = [];
  const t0 = performance.now();
  const count = Math.floor((opts.seconds * 1000) / opts.intervalMs) + 1;
  for (let i = 0; i < count; i++) {
    const wait = t0 + i * opts.intervalMs - performance.now();
    if (wait > 0) await delay(wait);
    const sample = readProcSample(pid);
    if (sample === null) throw new Error(`process ${pid} ended after ${samples.length} samples`);
    samples.push(sample);
  }
  return samples;
}
