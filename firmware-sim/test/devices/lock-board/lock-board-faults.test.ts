import { ManualClock } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { LockBoardFaults } from '../../../src/devices/lock-board/lock-board-faults.js';

const behaves = { answer: true, corruptSum: false, delayMs: 0 };

describe('LockBoardFaults', () => {
  it('ends a reply fault after its duration on the clock', async () => {
    const clock = new ManualClock(0);
    let changes = 0;
    const faults = new LockBoardFaults(clock, () => (changes += 1));
    faults.inject({ mode: 'delay', delayMs: 40, durationMs: 1_000 });
    expect(faults.reply).toMatchObject({ mode: 'delay', until: 1_000, repliesLeft: null });
    expect(faults.takeReply()).toEqual({ answer: true, corruptSum: false, delayMs: 40 });
    await clock.advance(999);
    expect(faults.takeReply().delayMs).toBe(40);
    await clock.advance(1);
    expect(faults.takeReply()).toEqual(behaves);
    expect(changes).toBe(2);
  });

  it('counts replies, and a new reply fault replaces the current one', () => {
    const faults = new LockBoardFaults(new ManualClock(0));
    faults.inject({ mode: 'silent', replies: 2 });
    faults.inject({ mode: 'bad-checksum', replies: 2 });
    expect(faults.silent).toBe(false);
    expect(faults.takeReply()).toEqual({ answer: true, corruptSum: true, delayMs: 0 });
    expect(faults.reply?.repliesLeft).toBe(1);
    expect(faults.takeReply().corruptSum).toBe(true);
    expect(faults.reply).toBeNull();
    expect(faults.takeReply()).toEqual(behaves);
  });

  it('keeps stuck locks apart from reply faults, each until its own end', async () => {
    const clock = new ManualClock(0);
    const faults = new LockBoardFaults(clock);
    faults.inject({ mode: 'stuck-lock', lock: 7, durationMs: 100 });
    faults.inject({ mode: 'stuck-lock', lock: 2 });
    faults.inject({ mode: 'silent' });
    expect(faults.stuckLocks).toEqual([2, 7]);
    await clock.advance(100);
    expect(faults.stuckLocks).toEqual([2]);
    expect(faults.silent).toBe(true);
    faults.clear();
    expect(faults.stuckLocks).toEqual([]);
    expect(faults.reply).toBeNull();
  });

  it('fires a schedule at its times, and dispose cancels what is left', async () => {
    const clock = new ManualClock(0);
    const faults = new LockBoardFaults(clock);
    faults.schedule([
      { mode: 'silent', atMs: 10, durationMs: 5 },
      { mode: 'stuck-lock', lock: 1, atMs: 30 },
    ]);
    await clock.advance(10);
    expect(faults.silent).toBe(true);
    await clock.advance(5);
    expect(faults.silent).toBe(false);
    faults.dispose();
    await clock.advance(100);
    expect(faults.stuckLocks).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
