import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!(ticksPerSecond > 0)) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/**
 * User + system CPU ticks from `/proc/<pid>/stat` (fields 14 and 15, proc(5)). The command name
 * (field 2) is in parentheses and may hold spaces or parentheses itself, so fields are counted
 * from after its last `)`. Null when the text is not a stat line.
 */
export function statCpuTicks(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close === -1) return null;
  // After ") " comes field 3 (state): utime is the 12th field from there, stime the 13th.
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isSafeInteger(utime) || !Number.isSafeInteger(stime)) return null;
  return utime + stime;
}

/**
 * CPU seconds (user + system, all threads) another process has used so far, read from
 * `/proc/<pid>/stat`; null where that is not readable (not Linux, or not our process). It works
 * the same for a forked Node broker and for the system's mosquitto, so the two compare.
 */
export function processCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const ticks = statCpuTicks(stat);
  return ticks === null ? null : ticks / clockTicks();
}

/** Measures the share of one core a process used between `start()` and `stop()`. */
export class CpuMeter {
  #cpu0: number | null = null;
  #t0 = 0;

  constructor(readonly pid: number | null) {}

  start(): void {
    this.#cpu0 = this.pid === null ? null : processCpuSeconds(this.pid);
    this.#t0 = performance.now();
  }

  /** Cores used on average (1.0 = one core busy the whole time); null if not measurable. */
  stop(): number | null {
    const cpu1 = this.pid === null ? null : processCpuSeconds(this.pid);
    const seconds = (performance.now() - this.#t0) / 1000;
    if (this.#cpu0 === null || cpu1 === null || seconds <= 0) return null;
    return (cpu1 - this.#cpu0) / seconds;
  }
}
