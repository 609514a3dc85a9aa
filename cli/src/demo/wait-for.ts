import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 100;

/**
 * Polls `check` until it holds, for the demo's set-up steps that wait on other programs (an
 * agent receiving its credentials, the cloud recording a deposit). Throws, naming what it
 * waited for, after `timeoutMs`.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) {
      throw new Error(`demo setup: gave up waiting for ${what} after ${String(timeoutMs)} ms`);
    }
    await sleep(POLL_MS);
  }
}
