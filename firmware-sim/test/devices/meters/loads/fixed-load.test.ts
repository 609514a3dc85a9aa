import { ManualClock } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { FixedLoad } from '../../../../src/devices/meters/loads/fixed-load.js';

describe('FixedLoad', () => {
  it('follows its script from its creation, and reports the jumps', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const load = new FixedLoad(
      {
        watts: 100,
        powerFactor: 0.9,
        steps: [
          { atMs: 2000, watts: -50 },
          { atMs: 1000, watts: 300 },
        ],
      },
      clock,
    );
    await clock.advance(5000);
    expect([0, 999, 1000, 1999, 2000, 9999].map((dt) => load.powerAt(start + dt))).toEqual([
      100, 100, 300, 300, -50, -50,
    ]);
    expect(load.changesBetween(start, start + 1500)).toEqual([start + 1000]);
    expect(load.changesBetween(start + 1000, start + 5000)).toEqual([start + 2000]);
    expect(load.powerFactorAt()).toBe(0.9);
  });

  it('draws what setWatts says from then on, ahead of the script', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const load = new FixedLoad(
      { watts: 100, powerFactor: 1, steps: [{ atMs: 5000, watts: 7 }] },
      clock,
    );
    let told = 0;
    load.onChange(() => (told += 1));
    await clock.advance(1000);
    load.setWatts(2500);
    expect(told).toBe(1);
    expect(load.powerAt(start + 999)).toBe(100);
    expect(load.powerAt(start + 1000)).toBe(2500);
    expect(load.powerAt(start + 6000)).toBe(2500);
    expect(load.changesBetween(start, start + 10_000)).toEqual([]);
  });
});
