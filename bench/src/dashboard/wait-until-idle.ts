import { processCpuSeconds } from '../process-cpu.js';

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Waits until a process has used less than `maxCores` of a core for `quietSeconds` in a row,
 * checked each second: after a bulk load InfluxDB snapshots its cache and compacts for a while,
 * and timing queries meanwhile would charge them for that. Gives up after `timeoutSeconds`;
 * resolves with the seconds waited and whether it went idle.
 */
export async function waitUntilIdle(
  pid: number,
  options: {
    readonly maxCores: number;
    readonly quietSeconds: number;
    readonly timeoutSeconds: number;
  },
): Promise<{ readonly seconds: number; readonly idle: boolean }> {
  const t0 = performance.now();
  let quiet = 0;
  let last = processCpuSeconds(pid);
  if (last === null) return { seconds: 0, idle: false };
  while ((performance.now() - t0) / 1000 < options.timeoutSeconds) {
    const t = performance.now();
    await delay(1_000);
    const now = processCpuSeconds(pid);
    if (now === null) return { seconds: (performance.now() - t0) / 1000, idle: false };
    const cores = (now - last) / ((performance.now() - t) / 1000);
    last = now;
    quiet = cores < options.maxCores ? quiet + 1 : 0;
    if (quiet >= options.quietSeconds) {
      return { seconds: (performance.now() - t0) / 1000, idle: true };
    }
  }
  return { seconds: (performance.now() - t0) / 1000, idle: false };
}
