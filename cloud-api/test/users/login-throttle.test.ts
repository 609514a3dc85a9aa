import { describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { LoginThrottle, type ThrottleLimits } from '../../src/users/login-throttle.js';

const LIMITS: ThrottleLimits = {
  freeFailures: 3,
  firstLockMs: 60_000,
  maxLockMs: 240_000,
  forgetAfterMs: 600_000,
};

function throttle(maxKeys?: number) {
  const clock = new ManualClock(1_000_000);
  return { clock, t: new LoginThrottle({ clock, limits: LIMITS, ...(maxKeys && { maxKeys }) }) };
}

describe('LoginThrottle', () => {
  it('lets the free failures through, then locks the key for the first lockout', async () => {
    const { clock, t } = throttle();
    expect(t.fail('alice')).toBe(0);
    expect(t.fail('alice')).toBe(0);
    expect(t.waitMs('alice')).toBe(0);
    expect(t.fail('alice')).toBe(60_000);
    expect(t.waitMs('alice')).toBe(60_000);
    await clock.advance(59_000);
    expect(t.waitMs('alice')).toBe(1_000);
    await clock.advance(1_000);
    expect(t.waitMs('alice')).toBe(0);
    // Other keys are not affected.
    expect(t.waitMs('bob')).toBe(0);
  });

  it('doubles the lockout at each failure after one, up to the maximum', async () => {
    const { clock, t } = throttle();
    for (let i = 0; i < 3; i++) t.fail('alice');
    const locks: number[] = [];
    for (let i = 0; i < 4; i++) {
      await clock.advance(t.waitMs('alice'));
      locks.push(t.fail('alice'));
    }
    expect(locks).toEqual([120_000, 240_000, 240_000, 240_000]);
  });

  it('forgets a key after a success', () => {
    const { t } = throttle();
    t.fail('alice');
    t.fail('alice');
    t.succeed('alice');
    expect(t.fail('alice')).toBe(0);
    expect(t.fail('alice')).toBe(0);
  });

  it('forgets failures that are old enough', async () => {
    const { clock, t } = throttle();
    t.fail('alice');
    t.fail('alice');
    await clock.advance(600_000);
    // Starts from zero again: two more free failures.
    expect(t.fail('alice')).toBe(0);
    expect(t.fail('alice')).toBe(0);
    expect(t.fail('alice')).toBe(60_000);
  });

  it('never forgets a running lockout', async () => {
    const clock = new ManualClock(1_000_000);
    const t = new LoginThrottle({ clock, limits: { ...LIMITS, forgetAfterMs: 30_000 } });
    for (let i = 0; i < 3; i++) t.fail('alice');
    await clock.advance(45_000);
    expect(t.waitMs('alice')).toBe(15_000);
    await clock.advance(15_000);
    expect(t.waitMs('alice')).toBe(0);
    // Past both the lockout and the forgetting delay: a fresh start.
    expect(t.fail('alice')).toBe(0);
  });

  it('keeps at most maxKeys keys, forgetting the oldest failure first', () => {
    const { t } = throttle(2);
    for (let i = 0; i < 3; i++) t.fail('a');
    for (let i = 0; i < 3; i++) t.fail('b');
    expect(t.waitMs('a')).toBeGreaterThan(0);
    t.fail('c');
    expect(t.waitMs('a')).toBe(0);
    expect(t.waitMs('b')).toBeGreaterThan(0);
  });
});
