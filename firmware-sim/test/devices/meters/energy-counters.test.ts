import { ManualClock } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { EnergyCounters } from '../../../src/devices/meters/energy-counters.js';
import { FixedLoad } from '../../../src/devices/meters/loads/fixed-load.js';
import type { LoadModel } from '../../../src/devices/meters/loads/load-model.js';

const HOUR = 3_600_000;

function fixed(
  watts: number,
  steps: { atMs: number; watts: number }[] = [],
  clock = new ManualClock(),
) {
  return new FixedLoad({ watts, powerFactor: 1, steps }, clock);
}

describe('EnergyCounters', () => {
  it('integrates a constant load exactly, whatever the read pattern', () => {
    const clock = new ManualClock();
    const load = fixed(1000, [], clock);
    const once = new EnergyCounters(clock.now(), 0, 0);
    const often = new EnergyCounters(clock.now(), 0, 0);
    for (let t = 1; t <= 3600; t += 7) often.advanceTo(clock.now() + t * 1000 + 333, load);
    once.advanceTo(clock.now() + HOUR, load);
    often.advanceTo(clock.now() + HOUR, load);
    expect(once.importKwh).toBe(1);
    expect(often.importKwh).toBe(1);
    expect(once.exportKwh).toBe(0);
  });

  it('starts from the given counter values', () => {
    const load = fixed(-2500);
    const counters = new EnergyCounters(0, 1234.5, 10);
    counters.advanceTo(2 * HOUR, load);
    expect(counters.importKwh).toBe(1234.5);
    expect(counters.exportKwh).toBe(15);
  });

  it('splits exactly at scripted steps, even mid-slice', () => {
    const clock = new ManualClock();
    // 600 W for 90 s, then 1800 W: steps fall between the 60 s integration slices.
    const load = fixed(
      600,
      [
        { atMs: 90_000, watts: 1800 },
        { atMs: 150_500, watts: -3600 },
      ],
      clock,
    );
    const counters = new EnergyCounters(clock.now(), 0, 0);
    counters.advanceTo(clock.now() + 200_500, load);
    // import: 600 × 90 + 1800 × 60.5 J; export: 3600 × 50 J
    expect(counters.importKwh * 3_600_000).toBeCloseTo(600 * 90 + 1800 * 60.5, 6);
    expect(counters.exportKwh * 3_600_000).toBeCloseTo(3600 * 50, 6);
  });

  it('never goes backwards and ignores an earlier instant', () => {
    const load: LoadModel = {
      kind: 'wave',
      powerAt: (t) => 1000 * Math.sin(t / 600_000),
      powerFactorAt: () => 1,
    };
    const counters = new EnergyCounters(0, 0, 0);
    let lastImport = 0;
    let lastExport = 0;
    for (let t = 0; t <= 24 * HOUR; t += 97_000) {
      counters.advanceTo(t, load);
      expect(counters.importKwh).toBeGreaterThanOrEqual(lastImport);
      expect(counters.exportKwh).toBeGreaterThanOrEqual(lastExport);
      lastImport = counters.importKwh;
      lastExport = counters.exportKwh;
    }
    counters.advanceTo(HOUR, load);
    expect(counters.importKwh).toBe(lastImport);
    expect(counters.at).toBe(24 * HOUR - ((24 * HOUR) % 97_000));
  });

  it('integrates a smooth load close to its exact integral', () => {
    // ∫ 1000 sin(t/τ) over one half period (positive) = 2000 τ J, τ in s.
    const tau = 600_000;
    const load: LoadModel = {
      kind: 'wave',
      powerAt: (t) => 1000 * Math.sin(t / tau),
      powerFactorAt: () => 1,
    };
    const counters = new EnergyCounters(0, 0, 0);
    counters.advanceTo(Math.PI * tau, load);
    const exact = 1000 * 2 * (tau / 1000);
    // The midpoint rule's error with 60 s slices of a 10 min wave: (60/600)² / 24 ≈ 4e-4.
    expect(Math.abs(counters.importKwh * 3_600_000 - exact) / exact).toBeLessThan(5e-4);
  });

  it('resets both counters to zero', () => {
    const counters = new EnergyCounters(0, 50, 20);
    counters.reset();
    expect([counters.importKwh, counters.exportKwh]).toEqual([0, 0]);
  });
});
