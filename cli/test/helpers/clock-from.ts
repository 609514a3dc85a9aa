import { systemClock, type Clock } from '@hameau/protocol';

/**
 * A clock that reads `start` when made and then runs at the real rate; its timers are the real
 * ones. A program given it runs on real time (sockets, timeouts, watchdogs) and only believes
 * another hour: an end-to-end test of the lighting sets it to a night, so that no sunset or
 * program step can fall inside the test, whatever the hour it runs.
 */
export function clockFrom(start: number): Clock {
  const offset = start - systemClock.now();
  return {
    now: () => systemClock.now() + offset,
    setTimeout: (fn, ms) => systemClock.setTimeout(fn, ms),
    clearTimeout: (handle) => {
      systemClock.clearTimeout(handle);
    },
  };
}
