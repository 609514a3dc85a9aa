import { readFileSync } from 'node:fs';
import { statCpuTicks } from '../process-cpu.js';

/** What one look at `/proc/<pid>` says about another process. */
export interface ProcSample {
  /** `performance.now()` when it was read, ms. */
  readonly at: number;
  /** Resident set size, bytes (`VmRSS`). */
  readonly rssBytes: number;
  /**
   * Its anonymous part (`RssAnon`): the V8 heap, malloc, stacks — what the process itself
   * allocated. The rest is mostly file pages (`RssFile`): node's binary and the native addons,
   * shared with any other process that maps them.
   */
  readonly rssAnonBytes: number;
  /** CPU time used since the process started, user + system, in clock ticks. */
  readonly cpuTicks: number;
  /** Threads (`Threads`): libuv's pool and V8's helpers show up here. */
  readonly threads: number;
}

/**
 * A `kB` field of `/proc/<pid>/status` (e.g. `VmRSS`, `VmHWM`) in bytes; null when the field is
 * missing, as it is for a zombie whose memory is already gone.
 */
export function statusKbField(status: string, field: string): number | null {
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB\\s*$`, 'm').exec(status);
  return match?.[1] === undefined ? null : Number(match[1]) * 1024;
}

/** A plain number field of `/proc/<pid>/status` (e.g. `Threads`); null when missing. */
export function statusNumberField(status: string, field: string): number | null {
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*$`, 'm').exec(status);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** Parses the two files read at the same moment into one sample; null if either is unusable. */
export function parseProcSample(at: number, status: string, stat: string): ProcSample | null {
  const rssBytes = statusKbField(status, 'VmRSS');
  const rssAnonBytes = statusKbField(status, 'RssAnon');
  const threads = statusNumberField(status, 'Threads');
  const cpuTicks = statCpuTicks(stat);
  if (rssBytes === null || rssAnonBytes === null || threads === null || cpuTicks === null) {
    return null;
  }
  return { at, rssBytes, rssAnonBytes, cpuTicks, threads };
}

/** Reads `/proc/<pid>/status` and `/proc/<pid>/stat` now; null once the process is gone. */
export function readProcSample(pid: number): ProcSample | null {
  try {
    const at = performance.now();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return parseProcSample(at, status, stat);
  } catch {
    return null;
  }
}
