import { ManualClock } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { FaultInjector, type ActiveFault } from '../../src/faults/fault-injector.js';

function setup() {
  const clock = new ManualClock(0);
  const changes: (ActiveFault | null)[] = [];
  const faults = new FaultInjector(clock, (a) => changes.push(a));
  return { clock, changes, faults };
}

describe('FaultInjector', () => {
  it('ends a fault exactly when its duration has passed on the clock', async () => {
    const { clock, changes, faults } = setup();
    faults.inject({ mode: 'silent', durationMs: 1000 });
    expect(faults.active).toEqual({ mode: 'silent', until: 1000 });
    await clock.advance(999);
    expect(faults.mode).toBe('silent');
    await clock.advance(1);
    expect(faults.mode).toBeNull();
    expect(changes).toEqual([{ mode: 'silent', until: 1000 }, null]);
  });

  it('keeps a fault without duration until cleared', async () => {
    const { clock, faults, changes } = setup();
    faults.inject({ mode: 'garbage' });
    await clock.advance(10_000_000);
    expect(faults.active).toEqual({ mode: 'garbage', until: null });
    faults.clear();
    faults.clear();
    expect(changes).toEqual([{ mode: 'garbage', until: null }, null]);
  });

  it('replaces the current fault and its end time', async () => {
    const { clock, faults } = setup();
    faults.inject({ mode: 'silent', durationMs: 100 });
    await clock.advance(50);
    faults.inject({ mode: 'garbage', durationMs: 100 });
    await clock.advance(60);
    expect(faults.active).toEqual({ mode: 'garbage', until: 150 });
    await clock.advance(40);
    expect(faults.active).toBeNull();
    expect(clock.pending).toBe(0);
  });

  it('lets a zero-duration fault take effect, then clears it at once', () => {
    const { faults, changes } = setup();
    faults.inject({ mode: 'disconnect', durationMs: 0 });
    expect(changes).toEqual([{ mode: 'disconnect', until: 0 }, null]);
    expect(faults.active).toBeNull();
  });

  it('injects scheduled faults at their times', async () => {
    const { clock, faults } = setup();
    faults.schedule([
      { mode: 'silent', atMs: 100, durationMs: 50 },
      { mode: 'disconnect', atMs: 300 },
    ]);
    await clock.advance(99);
    expect(faults.mode).toBeNull();
    await clock.advance(1);
    expect(faults.mode).toBe('silent');
    await clock.advance(50);
    expect(faults.mode).toBeNull();
    await clock.advance(150);
    expect(faults.active).toEqual({ mode: 'disconnect', until: null });
  });

  it('dispose cancels every timer without notifying', async () => {
    const { clock, faults, changes } = setup();
    faults.schedule([{ mode: 'silent', atMs: 100 }]);
    faults.inject({ mode: 'garbage', durationMs: 50 });
    faults.dispose();
    expect(clock.pending).toBe(0);
    await clock.advance(1000);
    expect(faults.active).toBeNull();
    expect(changes).toEqual([{ mode: 'garbage', until: 50 }]);
  });
});
