import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../../src/main.js';

/** A `hameau` run with captured output; `done` resolves with the exit code. */
export interface CliRun {
  readonly done: Promise<number>;
  readonly out: string[];
  readonly err: string[];
}

/** Runs `hameau argv` in-process, the way `cli/bin/hameau.js` does, with a captured io. */
export function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
  stopSignal?: Promise<string>,
): CliRun {
  const out: string[] = [];
  const err: string[] = [];
  const done = main(argv, {
    env,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(stopSignal && { stopSignal }),
  });
  return { done, out, err };
}

/** A stop signal the test fires, standing in for Ctrl-C. */
export function stopper(): { signal: Promise<string>; stop: (signal: string) => void } {
  let fire: (signal: string) => void = () => undefined;
  const signal = new Promise<string>((resolve) => {
    fire = resolve;
  });
  return {
    signal,
    stop: (s) => {
      fire(s);
    },
  };
}

/** The password a `device add` or `account add` printed. */
export function printedPassword(run: CliRun): string {
  return (
    run.out
      .find((l) => l.includes('MQTT password'))
      ?.split(/\s+/)
      .pop() ?? ''
  );
}

/** Temp dirs removed after the file's tests. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
