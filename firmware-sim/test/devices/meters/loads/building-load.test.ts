import { describe, expect, it } from 'vitest';
import { BuildingLoad, WORKDAY_SHAPE } from '../../../../src/devices/meters/loads/building-load.js';

const options = {
  baseW: 2_000,
  peakW: 22_000,
  powerFactor: 0.93,
  timeZone: 'Europe/Paris',
  noise: false,
  seed: 1,
};
/** Local Paris time in January 2026 (UTC+1): day 12 is a Monday. */
const jan = (day: number, hour: number, minute = 0) => Date.UTC(2026, 0, day, hour - 1, minute);

describe('BuildingLoad', () => {
  const load = new BuildingLoad(options);

  it('peaks at 10:00 on a working day and sits at its base at night', () => {
    expect(load.powerAt(jan(14, 10))).toBe(22_000);
    expect(load.powerAt(jan(14, 3))).toBe(2_000);
    expect(load.powerAt(jan(14, 22, 30))).toBe(2_000 + 20_000 * 0.01);
  });

  it('follows the day shape between hours', () => {
    const expected = 2_000 + 20_000 * (((WORKDAY_SHAPE[12] ?? 0) + (WORKDAY_SHAPE[13] ?? 0)) / 2);
    expect(load.powerAt(jan(14, 12, 30))).toBeCloseTo(expected, 9);
    let max = 0;
    let maxHour = -1;
    for (let h = 0; h < 24; h++) {
      const p = load.powerAt(jan(13, h));
      if (p > max) [max, maxHour] = [p, h];
    }
    expect(maxHour).toBe(10);
  });

  it('is quieter on Saturday and quieter still on Sunday', () => {
    const monday = load.powerAt(jan(12, 10));
    const saturday = load.powerAt(jan(17, 10));
    const sunday = load.powerAt(jan(18, 10));
    expect(saturday).toBe(2_000 + 20_000 * 0.35);
    expect(sunday).toBe(2_000 + 20_000 * 0.15);
    expect(monday).toBeGreaterThan(saturday);
    expect(load.powerAt(jan(18, 3))).toBe(2_000);
  });

  it('keeps to local time across daylight saving (10:00 local is 08:00 UTC in July)', () => {
    expect(load.powerAt(Date.UTC(2026, 6, 15, 8, 0))).toBe(22_000);
    expect(load.powerAt(Date.UTC(2026, 6, 15, 9, 0))).toBe(2_000 + 20_000 * 0.97);
  });

  it('wanders by at most 5 %, the same for the same seed', () => {
    const noisy = new BuildingLoad({ ...options, noise: true, seed: 7 });
    const again = new BuildingLoad({ ...options, noise: true, seed: 7 });
    const other = new BuildingLoad({ ...options, noise: true, seed: 8 });
    let differs = 0;
    for (let m = 0; m < 24 * 60; m += 7) {
      const t = jan(14, 0, m);
      const p = noisy.powerAt(t);
      expect(Math.abs(p / load.powerAt(t) - 1)).toBeLessThanOrEqual(0.05 + 1e-12);
      expect(again.powerAt(t)).toBe(p);
      if (other.powerAt(t) !== p) differs += 1;
    }
    expect(differs).toBeGreaterThan(100);
  });
});
