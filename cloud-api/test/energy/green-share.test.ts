import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { greenShares, sumSeries } from '../../src/energy/green-share.js';
import { QUARTER_MS, spread } from '../../src/energy/quarter-energy.js';
import {
  createEnergyKit,
  GRID,
  HALL,
  MINUTE,
  SOLAR,
  steady,
  type EnergyKit,
} from './energy-kit.js';

describe('greenShares', () => {
  it('applies the formula with the estimated grid import when there is no grid meter', () => {
    const g = greenShares(
      { consumption: [1, 2, 1, null, 0], production: [0.5, 0, 1.5, 1, 0], gridImport: null },
      0.25,
    );
    // (0.5 + 0.25 × 0.5) / 1; (0 + 0.25 × 2) / 2; production above consumption: 1.
    expect(g.share).toEqual([0.625, 0.25, 1, null, null]);
    expect(g.gridImport).toEqual([0.5, 2, 0, null, 0]);
    // (0.625 + 0.5 + 1) / (1 + 2 + 1): green energy is capped at consumption per quarter.
    expect(g.overall).toBeCloseTo(2.125 / 4, 12);
  });

  it("uses the grid meter's import when there is one, and no share without it", () => {
    const g = greenShares(
      { consumption: [1, 1], production: [0.5, null], gridImport: [0.8, null] },
      0.5,
    );
    expect(g.share[0]).toBeCloseTo(0.9, 12);
    expect(g.share[1]).toBeNull();
    expect(g.gridImport).toEqual([0.8, null]);
  });

  it('adds series bucket by bucket, null only where every one is', () => {
    expect(
      sumSeries(
        [
          [1, null, null],
          [2, 3, null],
        ],
        3,
      ),
    ).toEqual([3, 3, null]);
  });
});

describe('spread', () => {
  it('spreads the energy between two readings over the quarters between them', () => {
    const from = 10 * QUARTER_MS;
    const chain = [
      { end: from, size: QUARTER_MS, value: 7, kwh: 0 },
      { end: from + QUARTER_MS, size: QUARTER_MS, value: 8, kwh: 1 },
      // A gap of two quarters: 3 kWh over three quarters.
      { end: from + 4 * QUARTER_MS, size: QUARTER_MS, value: 11, kwh: 3 },
    ];
    expect(spread(chain, from, 6)).toEqual([1, 1, 1, 1, null, null]);
  });
});

describe('green share every 15 minutes (service)', () => {
  // Now 13:00Z on 2026-11-24. A reading a minute at hh:mm:30 since 11:00:30Z: the last of each
  // quarter is at 14:30 into it, so each quarter counts exactly 15 minutes.
  const from = Date.UTC(2026, 10, 24, 11, 0, 30);
  const to = Date.UTC(2026, 10, 24, 13);
  const every = { from, to, stepMs: MINUTE };
  const QUARTER = Date.UTC(2026, 10, 24, 12);
  let kit: EnergyKit;

  beforeEach(async () => {
    kit = await createEnergyKit({ now: to });
    await kit.store.write([
      // 4 kW: 1 kWh a quarter. The solar meter exports 2 kW: 0.5 kWh.
      ...steady(HALL, { ...every, kw: 4, start: 100 }),
      ...steady(SOLAR, { ...every, kw: 2, start: 10, field: 'energy_export_kwh' }),
      // The grid meter imports 3.2 kW: 0.8 kWh a quarter.
      ...steady(GRID, { ...every, kw: 3.2, start: 1000 }),
    ]);
    await kit.assign(SOLAR, 'production');
  });
  afterEach(async () => {
    await kit.close();
  });

  const quarter = async () => {
    const g = await kit.service.greenShare({}, Date.UTC(2026, 10, 24, 11, 15), to);
    const i = g.times.indexOf(QUARTER);
    expect(i).toBeGreaterThan(0);
    return { g, at: (series: (number | null)[]) => series[i] ?? null };
  };

  it('estimates the grid import without a grid meter (counting the grid meter as consumption)', async () => {
    // Unassigned, the grid meter counts as consumption: 1 + 0.8 kWh.
    const { g, at } = await quarter();
    expect(g.gridMetered).toBe(false);
    expect(at(g.consumption)).toBeCloseTo(1.8, 9);
    expect(at(g.production)).toBeCloseTo(0.5, 9);
    expect(at(g.gridImport)).toBeCloseTo(1.3, 9);
    expect(at(g.share)).toBeCloseTo((0.5 + 0.25 * 1.3) / 1.8, 9);
  });

  it("uses the grid meter's import once it has its role", async () => {
    await kit.assign(GRID, 'grid');
    const { g, at } = await quarter();
    expect(g.gridMetered).toBe(true);
    expect(at(g.consumption)).toBeCloseTo(1, 9);
    expect(at(g.gridImport)).toBeCloseTo(0.8, 9);
    expect(at(g.share)).toBeCloseTo(0.5 + 0.25 * 0.8, 9);
    // Every quarter has the same flows.
    expect(g.overall).toBeCloseTo(0.7, 9);
    expect(g.times).toHaveLength(7);
    expect(g.times[0]).toBe(Date.UTC(2026, 10, 24, 11, 15));
  });

  it('has no share where nothing was read', async () => {
    const g = await kit.service.greenShare({}, Date.UTC(2026, 10, 24, 9), to);
    expect(g.share.slice(0, 8)).toEqual(new Array(8).fill(null));
    // The quarter 11:00–11:15 starts without a reading before it: 14 minutes counted.
    expect(g.consumption[8]).toBeCloseTo((14 / 15) * 1.8, 9);
  });
});
