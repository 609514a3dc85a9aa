import { expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { CircuitBreaker } from '../../../../src/modules/metering/poller/circuit-breaker.js';

const setup = () => {
  const clock = new ManualClock(0);
  const breaker = new CircuitBreaker({ failures: 3, minMs: 10_000, maxMs: 35_000 }, clock);
  return { clock, breaker };
};

it('opens after N consecutive failures, not before, and a success in between resets the count', () => {
  const { breaker } = setup();
  expect(breaker.failure()).toBeNull();
  expect(breaker.failure()).toBeNull();
  expect(breaker.success()).toBeNull();
  expect(breaker.failure()).toBeNull();
  expect(breaker.failure()).toBeNull();
  expect(breaker.state).toBe('closed');
  expect(breaker.allow()).toBe(true);
  expect(breaker.failure()).toBe('opened');
  expect(breaker.state).toBe('open');
  expect(breaker.consecutiveFailures).toBe(3);
  expect(breaker.allow()).toBe(false);
});

it('lets one probe through after the backoff, which doubles after each failed probe up to the max', async () => {
  const { clock, breaker } = setup();
  for (let i = 0; i < 3; i++) breaker.failure();
  expect(breaker.retryAt).toBe(10_000);
  await clock.advance(9_999);
  expect(breaker.allow()).toBe(false);
  await clock.advance(1);
  expect(breaker.allow()).toBe(true);
  expect(breaker.state).toBe('half-open');
  // A failed probe opens it again, for twice as long; no second "opened" transition.
  expect(breaker.failure()).toBeNull();
  expect(breaker.state).toBe('open');
  expect(breaker.retryAt).toBe(10_000 + 20_000);
  await clock.advance(20_000);
  expect(breaker.allow()).toBe(true);
  breaker.failure();
  expect(breaker.retryAt).toBe(30_000 + 35_000); // 40 s capped at 35 s
  await clock.advance(35_000);
  expect(breaker.allow()).toBe(true);
  breaker.failure();
  expect(breaker.retryAt).toBe(65_000 + 35_000);
});

it('closes on a successful probe and starts over from the shortest backoff', async () => {
  const { clock, breaker } = setup();
  for (let i = 0; i < 3; i++) breaker.failure();
  await clock.advance(10_000);
  breaker.allow();
  breaker.failure(); // backoff now 20 s
  await clock.advance(20_000);
  expect(breaker.allow()).toBe(true);
  expect(breaker.success()).toBe('recovered');
  expect(breaker.state).toBe('closed');
  expect(breaker.consecutiveFailures).toBe(0);
  expect(breaker.retryAt).toBeNull();
  for (let i = 0; i < 3; i++) breaker.failure();
  expect(breaker.retryAt).toBe(clock.now() + 10_000);
});
