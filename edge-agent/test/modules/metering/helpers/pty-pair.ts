import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Two pseudo-terminals wired back to back by socat: a serial line with nothing on it. */
export interface PtyPair {
  /** The agent's end. */
  readonly a: string;
  /** The meter's end. */
  readonly b: string;
  close(): Promise<void>;
}

/** A fresh temporary folder for pty links; `remove` deletes it. */
export function ptyFolder(): { path: string; remove: () => Promise<void> } {
  const path = mkdtempSync(join(tmpdir(), 'hameau-pty-'));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

/**
 * Starts `socat` with a pty pair linked as `agent` and `meter` in `dir`. Closing it makes both
 * devices vanish, like a USB adapter pulled out; opening it again in the same folder brings
 * them back under the same paths.
 */
export async function openPtyPair(dir: string): Promise<PtyPair> {
  const a = join(dir, 'agent');
  const b = join(dir, 'meter');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: 'ignore',
  });
  const exited = once(socat, 'exit');
  await expect.poll(() => existsSync(a) && existsSync(b), { timeout: 5_000 }).toBe(true);
  return {
    a,
    b,
    async close() {
      if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
      await exited;
      rmSync(a, { force: true });
      rmSync(b, { force: true });
    },
  };
}
