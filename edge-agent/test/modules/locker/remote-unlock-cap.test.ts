import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { RemoteUnlockCap } from '../../../src/modules/locker/remote-unlock-cap.js';
import { AgentState } from '../../../src/store/agent-state.js';
import { openAgentDb } from '../../../src/store/agent-db.js';
import { useTempDirs } from '../../store/temp-dir.js';

const tempDir = useTempDirs('hameau-locker-cap-');
const LIMITS = { maxPerMinute: 3, maxPerDay: 5 };

function cap(path = ':memory:', clock = new ManualClock()) {
  const db = openAgentDb(path);
  return { db, clock, cap: new RemoteUnlockCap(LIMITS, clock, new AgentState(db)) };
}

describe('RemoteUnlockCap', () => {
  it('allows maxPerMinute in a sliding minute, then refuses until the oldest ages out', async () => {
    const { cap: c, clock } = cap();
    expect(c.take()).toEqual({ ok: true });
    await clock.advance(20_000);
    expect(c.take()).toEqual({ ok: true });
    expect(c.take()).toEqual({ ok: true });
    expect(c.take()).toEqual({ ok: false, window: 'minute', limit: 3 });
    // 59.999 s after the first: still in the window.
    await clock.advance(39_999);
    expect(c.take().ok).toBe(false);
    await clock.advance(1);
    expect(c.take()).toEqual({ ok: true });
    expect(c.inLastMinute()).toBe(3);
  });

  it('does not count refusals, so a flood does not push the window forward', async () => {
    const { cap: c, clock } = cap();
    for (let i = 0; i < 3; i++) c.take();
    for (let i = 0; i < 100; i++) expect(c.take().ok).toBe(false);
    await clock.advance(60_000);
    expect(c.take().ok).toBe(true);
  });

  it('caps a day as well: a steady trickle under the minute cap is refused past maxPerDay', async () => {
    const { cap: c, clock } = cap();
    const grants = [];
    for (let i = 0; i < 8; i++) {
      grants.push(c.take().ok);
      await clock.advance(61_000);
    }
    expect(grants).toEqual([true, true, true, true, true, false, false, false]);
    expect(c.take()).toEqual({ ok: false, window: 'day', limit: 5 });
    await clock.advance(86_400_000);
    expect(c.take().ok).toBe(true);
  });

  it('remembers the unlocks across a restart', () => {
    const path = join(tempDir(), 'agent.db');
    const clock = new ManualClock();
    const first = cap(path, clock);
    for (let i = 0; i < 3; i++) expect(first.cap.take().ok).toBe(true);
    first.db.close();
    const second = cap(path, clock);
    expect(second.cap.take()).toEqual({ ok: false, window: 'minute', limit: 3 });
    second.db.close();
  });
});
