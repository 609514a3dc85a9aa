import { expect } from 'vitest';

type Poll<T> = ReturnType<typeof expect.poll<T>>;

/** `expect.poll` with room for a loaded CI machine: up to 10 s, checked every 25 ms. */
export function eventually<T>(check: () => T): Poll<T> {
  return expect.poll(check, { timeout: 10_000, interval: 25 });
}
