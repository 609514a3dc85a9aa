import type { Clock } from '@hameau/protocol';

/** The outcome of `withTimeout`: the value, or the fact that time ran out first. */
export type Timed<T> = { readonly done: true; readonly value: T } | { readonly done: false };

/**
 * Waits for `work` at most `ms` on `clock`. A rejection of `work` before the deadline is
 * rethrown; after the deadline it is ignored (the caller has moved on). The timer is always
 * cleared, so no timer outlives the wait.
 */
export async function withTimeout<T>(
  work: Promise<T>,
  clock: Clock,
  ms: number,
): Promise<Timed<T>> {
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const deadline = new Promise<Timed<T>>((resolve) => {
    timer = clock.setTimeout(() => {
      resolve({ done: false });
    }, ms);
  });
  // Swallowed only for the late case: a rejection that loses the race must not go unhandled.
  void work.catch(() => undefined);
  try {
    return await Promise.race([work.then((value): Timed<T> => ({ done: true, value })), deadline]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
  }
}
