import type { Clock } from '@hameau/protocol';

/** Where a command reads its environment and writes its output; injected so tests can run it. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the user asks the program to stop (Ctrl-C, SIGTERM). */
  readonly stopSignal?: Promise<string>;
  /** The agent's clock (`hameau agent`); the system clock when absent. */
  readonly clock?: Clock;
}

/** A command's exit code: 0 success, 1 failure while running, 2 bad usage or config. */
export type ExitCode = 0 | 1 | 2;

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
