import { describe, expect, it } from 'vitest';
import { ManualClock, every, sleep } from '../src/clock.js';

describe('ManualClock', () => {
  it('fires due timers in time order, each at its own time', async () => {
    const clock = new ManualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    const c = clock.setTimeout(() => fired.push('c'), 150);
    clock.clearTimeout(c);
    await clock.advance(150);
    expect(fired).toEqual(['a@1100']);
    expect(clock.now()).toBe(1_150);
    await clock.advance(1_000);
    expect(fired).toEqual(['a@1100', 'b@1200']);
    expect(clock.pending).toBe(0);
  });

  it('lets async code that sleeps run a year in one call', async () => {
    const clock = new ManualClock(0);
    let wakes = 0;
    const loop = (async () => {
      for (let day = 0; day < 365; day++) {
        await sleep(clock, 86_400_000);
        wakes++;
      }
    })();
    await clock.advance(365 * 86_400_000);
    await loop;
    expect(wakes).toBe(365);
  });

  it('repeats with every() until stopped', async () => {
    const clock = new ManualClock(0);
    const at: number[] = [];
    const stop = every(clock, 60_000, () => at.push(clock.now()));
    await clock.advance(180_000);
    stop();
    await clock.advance(600_000);
    expect(at).toEqual([60_000, 120_000, 180_000]);
  });
});
