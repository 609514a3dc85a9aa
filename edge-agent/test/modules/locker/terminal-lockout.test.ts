import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import {
  TerminalLockout,
  lockoutDelaySeconds,
  type LockoutPolicy,
} from '../../../src/modules/locker/terminal-lockout.js';
import { AgentState } from '../../../src/store/agent-state.js';
import { openAgentDb } from '../../../src/store/agent-db.js';
import { useTempDirs } from '../../store/temp-dir.js';

const tempDir = useTempDirs('hameau-locker-lockout-');
const POLICY: LockoutPolicy = { freeAttempts: 3, firstDelaySeconds: 30, maxDelaySeconds: 3600 };

function lockout(path = ':memory:', clock = new ManualClock()) {
  const db = openAgentDb(path);
  return { db, clock, lockout: new TerminalLockout(POLICY, clock, new AgentState(db)) };
}

describe('lockoutDelaySeconds', () => {
  it('is free for the first attempts, then doubles from the first delay up to the cap', () => {
    const delays = Array.from({ length: 13 }, (_, i) => lockoutDelaySeconds(POLICY, i + 1));
    expect(delays).toEqual([0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(lockoutDelaySeconds(POLICY, 10_000)).toBe(3600);
  });
});

describe('TerminalLockout', () => {
  it('locks a terminal after its free attempts, for a doubling delay, and says how long', async () => {
    const { lockout: l, clock } = lockout();
    expect([l.fail('kiosk'), l.fail('kiosk'), l.fail('kiosk')]).toEqual([null, null, null]);
    expect(l.check('kiosk')).toEqual({ locked: false });
    const first = l.fail('kiosk');
    expect(first).toEqual({ failures: 4, until: clock.now() + 30_000 });
    expect(l.check('kiosk')).toMatchObject({ locked: true, retryAfterSeconds: 30 });
    await clock.advance(29_001);
    expect(l.check('kiosk')).toMatchObject({ locked: true, retryAfterSeconds: 1 });
    await clock.advance(999);
    expect(l.check('kiosk')).toEqual({ locked: false });
    expect(l.fail('kiosk')).toEqual({ failures: 5, until: clock.now() + 60_000 });
  });

  it('keeps terminals apart: one locked out does not lock the other', () => {
    const { lockout: l } = lockout();
    for (let i = 0; i < 4; i++) l.fail('kiosk');
    expect(l.check('kiosk').locked).toBe(true);
    expect(l.check('keypad').locked).toBe(false);
    expect(l.failures('keypad')).toBe(0);
  });

  it('resets a terminal on success', () => {
    const { lockout: l } = lockout();
    for (let i = 0; i < 5; i++) l.fail('kiosk');
    l.succeed('kiosk');
    expect(l.check('kiosk')).toEqual({ locked: false });
    expect(l.failures('kiosk')).toBe(0);
    expect(l.fail('kiosk')).toBeNull();
  });

  it('keeps failures and lockouts across a restart', () => {
    const path = join(tempDir(), 'agent.db');
    const clock = new ManualClock();
    const first = lockout(path, clock);
    for (let i = 0; i < 5; i++) first.lockout.fail('kiosk');
    first.db.close();

    const second = lockout(path, clock);
    expect(second.lockout.failures('kiosk')).toBe(5);
    expect(second.lockout.check('kiosk')).toMatchObject({ locked: true, retryAfterSeconds: 60 });
    second.db.close();
  });
});
