import { cpus, release, totalmem, type } from 'node:os';

/** What a benchmark ran on, for the record next to its figures. */
export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
}

export function describeMachine(): Machine {
  const all = cpus();
  return {
    cores: all.length,
    cpuModel: all[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

/** One line, e.g. `2 cores (Intel Xeon …), 8 GiB, Linux 6.8.0, Node v20.20.2`. */
export function formatMachine(m: Machine): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`;
}
