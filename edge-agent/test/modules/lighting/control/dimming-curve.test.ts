import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DIMMING_CURVE,
  powerFraction,
} from '../../../../src/modules/lighting/control/dimming-curve.js';

describe('dimming curves', () => {
  it('interpolate linearly between points, off at 0', () => {
    const curve = DEFAULT_DIMMING_CURVE;
    expect(powerFraction(curve, 0)).toBe(0);
    expect(powerFraction(curve, 1)).toBeCloseTo(0.1);
    expect(powerFraction(curve, 100)).toBe(1);
    expect(powerFraction(curve, 10)).toBeCloseTo(0.15);
    expect(powerFraction(curve, 5.5)).toBeCloseTo(0.125); // halfway from 10 % to 15 %
    expect(powerFraction(curve, 60)).toBeCloseTo((15 + (50 / 90) * 85) / 100);
  });

  it('hold the first point below it', () => {
    const curve = [
      { level: 20, powerPct: 30 },
      { level: 100, powerPct: 100 },
    ];
    expect(powerFraction(curve, 5)).toBeCloseTo(0.3);
    expect(powerFraction(curve, 60)).toBeCloseTo(0.65);
  });

  it('never draw less at a higher level with the default curve', () => {
    let previous = 0;
    for (let level = 1; level <= 100; level++) {
      const p = powerFraction(DEFAULT_DIMMING_CURVE, level);
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
  });
});
