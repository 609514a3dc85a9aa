import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../../../src/modules/lighting/control/civil-date.js';
import { DEFAULT_DIMMING_CURVE } from '../../../../src/modules/lighting/control/dimming-curve.js';
import { nightEnergy, zonePowerW } from '../../../../src/modules/lighting/control/zone-energy.js';
import { at, controller, override } from './lighting-test-config.js';

const HOUR_MS = 3_600_000;
/** The default curve above 10 %: 15 % of rated power at 10 %, linear to 100 %. */
const curve = (level: number) => (15 + ((level - 10) / 90) * 85) / 100;
const LINEAR = [
  { level: 1, powerPct: 1 },
  { level: 100, powerPct: 100 },
];

describe('zone power', () => {
  it('sums the lamps through the dimming curve, standby when off', () => {
    const lamps = [
      { count: 30, ratedW: 60, standbyW: 0.5 },
      { count: 2, ratedW: 100, standbyW: 0 },
    ];
    expect(zonePowerW(lamps, 100, DEFAULT_DIMMING_CURVE)).toBe(2000);
    expect(zonePowerW(lamps, 60, DEFAULT_DIMMING_CURVE)).toBeCloseTo(2000 * curve(60));
    expect(zonePowerW(lamps, 0, DEFAULT_DIMMING_CURVE)).toBe(15);
    expect(zonePowerW([], 100, DEFAULT_DIMMING_CURVE)).toBe(0);
  });
});

describe('nightly energy and savings', () => {
  it('compares the program with all night at 100 %', () => {
    const c = controller(); // road: 30 × 60 W, standard program
    const plan = c.plan('road', parseIsoDate('2026-01-15'));
    const on = plan.switchOn ?? 0;
    const off = plan.switchOff ?? 0;
    const hours = (from: number, to: number) => (to - from) / HOUR_MS;
    const full = 1800;
    const baseline = full * hours(on, off);
    const planned =
      full *
      (hours(on, at('2026-01-15T23:00:00+01:00')) +
        curve(60) * 6.5 +
        curve(80) * hours(at('2026-01-16T05:30:00+01:00'), off));
    const energy = nightEnergy(plan, DEFAULT_DIMMING_CURVE);
    expect(energy.baselineWh).toBeCloseTo(baseline, 6);
    expect(energy.plannedWh).toBeCloseTo(planned, 6);
    expect(energy.savedWh).toBeCloseTo(baseline - planned, 6);
    expect(energy.savedPct).toBeCloseTo((100 * (baseline - planned)) / baseline, 6);
    expect(energy.litHours).toBeCloseTo(hours(on, off), 6);
    // About 15 h 20 min of night; roughly a fifth saved.
    expect(energy.savedPct).toBeGreaterThan(15);
    expect(energy.savedPct).toBeLessThan(25);
  });

  it('saves more with part-night lighting, and counts ramps', () => {
    const c = controller({ defaultProgram: 'part-night', dimmingCurve: LINEAR });
    const night = parseIsoDate('2026-01-15');
    const dark = nightEnergy(c.plan('road', night), LINEAR);
    expect(dark.litHours).toBeCloseTo(
      (at('2026-01-15T23:00:00+01:00') - (c.plan('road', night).switchOn ?? 0)) / HOUR_MS +
        ((c.plan('road', night).switchOff ?? 0) - at('2026-01-16T05:00:00+01:00')) / HOUR_MS,
      6,
    );
    // An override ramping from 80 % to 40 % over 20 min, then held 40 min: with a linear
    // curve, the ramp draws its average level, 60 %.
    const o = override({
      id: 'dim',
      level: 40,
      issuedAt: at('2026-01-15T21:00:00+01:00'),
      expiresAt: at('2026-01-15T22:00:00+01:00'),
      rampSeconds: 1200,
    });
    const withOverride = nightEnergy(c.plan('road', night, [o]), LINEAR);
    // Without it: 80 % for 21:00–22:20 (the ramp back ends at 22:20).
    // With it: ramp down 20 min at 60 % avg, 40 min at 40 %, ramp back 20 min at 60 % avg.
    const expectedDelta = 1800 * (0.8 * (80 / 60) - (0.6 * 20 + 0.4 * 40 + 0.6 * 20) / 60);
    expect(dark.plannedWh - withOverride.plannedWh).toBeCloseTo(expectedDelta, 0);
  });
});
