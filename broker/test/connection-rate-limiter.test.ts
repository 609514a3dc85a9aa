import { expect, it } from 'vitest';
import { ConnectionRateLimiter } from '../src/connection-rate-limiter.js';

it('allows a burst, then the refill rate, per address', () => {
  let now = 0;
  const limiter = new ConnectionRateLimiter(2, 3, () => now);
  const take = (a = '10.0.0.1') => limiter.take(a);
  expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
  expect(take('10.0.0.2')).toBe(true);
  now = 499;
  expect(take()).toBe(false);
  now = 500;
  expect(take()).toBe(true);
  expect(take()).toBe(false);
  now = 60_000;
  expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
});
