import { parseIsoDate } from '@hameau/edge-agent';
import { describe, expect, it } from 'vitest';
import { simulateLighting } from '../../src/lighting-sim/lighting-simulation.js';
import { buildSchedule } from '../../src/lighting-sim/sim-schedule.js';
import {
  LEVEL_BANDS,
  LIGHTING_MODES,
  type SimSummary,
} from '../../src/lighting-sim/sim-summary.js';
import { syntheticWeather } from '../../src/lighting-sim/synthetic-weather.js';
import {
  DEFAULT_TOWN_FILE,
  loadTown,
  parseTown,
  type Town,
} from '../../src/lighting-sim/town-file.js';

const town = await loadTown(DEFAULT_TOWN_FILE);

function run(t: Town, start: string, nights: number, seed = 1): SimSummary {
  const schedule = buildSchedule(t, { firstNight: parseIsoDate(start), nights });
  const reports = syntheticWeather({
    from: schedule.from,
    to: schedule.to,
    seed,
    timeZone: schedule.config.site.timeZone,
  });
  return simulateLighting({ town: t.name, schedule, weather: { source: 'synthetic', reports } });
}

const sum = (record: Readonly<Record<string, number>>) =>
  Object.values(record).reduce((a, b) => a + b, 0);

describe('14 nights across the October clock change', () => {
  // 17 October 2026 is the night run; clocks go back on the 25th: 14 × 24 + 1 hours.
  const summary = run(town, '2026-10-17', 14);
  const zones = town.config.zones.length;

  it('breaks no rule and uses less energy than all night at 100 %', () => {
    expect(summary.violations).toEqual({
      total: 0,
      byKind: { 'below-minimum': 0, 'off-at-night': 0, 'lit-by-day': 0 },
      examples: [],
    });
    expect(summary.energy.kWh).toBeGreaterThan(0);
    expect(summary.energy.kWh).toBeLessThan(summary.energy.baselineKWh);
    expect(summary.energy.savedPct).toBeGreaterThan(20);
  });

  it('accounts for every zone-minute of the 337-hour period, once', () => {
    expect(summary.period).toMatchObject({
      from: '2026-10-17T12:00+02:00',
      to: '2026-10-31T12:00+01:00',
      nights: 14,
      hours: 337,
    });
    expect(summary.decisions).toBe(zones * 337 * 60);
    expect(sum(summary.modeHours)).toBeCloseTo(zones * 337, 6);
    expect(sum(summary.levelHours)).toBeCloseTo(zones * 337, 6);
    expect(Object.keys(summary.modeHours)).toEqual(LIGHTING_MODES);
    expect(Object.keys(summary.levelHours)).toEqual(LEVEL_BANDS);
    expect(summary.levelHours.off).toBeCloseTo(summary.modeHours.off, 6);
  });

  it('sees every zone-night once, and the night run as an event', () => {
    expect(sum(summary.nights.byProgram)).toBe(zones * 14);
    expect(sum(summary.nights.byRule)).toBe(zones * 14);
    // Fridays and Saturdays: 4 of the 14 nights, for the zones the weekend rules name.
    expect(summary.nights.byRule['weekends (roads)']).toBe(4 * 4);
    // 19:00-22:30 with 10 min ramps, three zones, from switch-on (about 18:55 + 10 min).
    expect(summary.modeHours.event).toBeGreaterThan(3 * 3.4);
    expect(summary.modeHours.event).toBeLessThan(3 * 3.9);
    expect(summary.incidents.events).toBe(1);
  });

  it('nights lengthen through the fortnight, and lit hours match them', () => {
    expect(summary.nights.shortestHours).toBeGreaterThan(12);
    expect(summary.nights.longestHours).toBeGreaterThan(summary.nights.shortestHours);
    const road = summary.zoneTable.find((z) => z.id === 'rue-connetable');
    // Lit hours: the 14 nights by the checker's own sun, within a minute a night.
    expect(road?.litHours).toBeGreaterThan(14 * summary.nights.shortestHours - 0.3);
    expect(road?.litHours).toBeLessThan(14 * summary.nights.longestHours + 0.3);
  });

  it('is the same run for the same seed', () => {
    expect(run(town, '2026-10-17', 14)).toEqual(summary);
    const other = run(town, '2026-10-17', 14, 99);
    expect(other.energy.kWh).not.toBe(summary.energy.kWh);
  });
});

describe('incidents', () => {
  it('a clock fault in the night puts every zone in fail-safe for its length, at full light', () => {
    const summary = run(town, '2026-11-15', 4);
    const zones = town.config.zones.length;
    expect(summary.incidents.clockFaults).toBe(1);
    expect(summary.modeHours.failsafe).toBeCloseTo(zones * 1.5, 6);
    expect(summary.violations.total).toBe(0);
    // The same nights without the fault: 01:30-03:00 on a Monday night, no zone is at 100 %.
    const calm = run({ ...town, clockFaults: [] }, '2026-11-15', 4);
    expect(calm.modeHours.failsafe).toBe(0);
    expect(summary.levelHours.full - calm.levelHours.full).toBeCloseTo(zones * 1.5, 6);
  });

  it('a lamp test lights by day and a star party darkens by night without a violation', () => {
    const summary = run(town, '2026-08-01', 7);
    // The first Tuesday, 4 August: 15 min, all zones; the first Saturday, 1 August: 4 h, two zones.
    expect(summary.modeHours.override).toBeCloseTo(12 * 0.25 + 2 * 4, 1);
    expect(summary.violations.total).toBe(0);
    const woods = summary.zoneTable.find((z) => z.id === 'bois-saint-denis');
    const square = summary.zoneTable.find((z) => z.id === 'coq-chantant');
    expect((square?.litHours ?? 0) - (woods?.litHours ?? 0)).toBeCloseTo(4, 1);
  });
});

describe('a deliberately broken configuration', () => {
  // Main roads (M3, minimum 40 %) dimmed to 10 % after 23:00, the lane (P5, 20 %) to 5 %.
  const broken = parseTown(
    `name: Broken town
lighting:
  programs:
    - { id: too-low, steps: [{ level: 100, until: '23:00' }, { level: 10, until: '05:30' }, { level: 80 }] }
    - { id: far-too-low, steps: [{ level: 5 }] }
  defaultProgram: too-low
  zones:
    - { id: road, name: Road, class: M3, lamps: [{ count: 40, ratedW: 90 }] }
    - { id: lane, name: Lane, class: P5, defaultProgram: far-too-low, lamps: [{ count: 8, ratedW: 25 }] }
`,
    'broken.yaml',
  );

  it('is clamped to the class minimums by the controller, so the checker sees nothing', () => {
    const summary = run(broken, '2026-01-10', 7);
    expect(summary.violations.total).toBe(0);
    const road = summary.zoneTable.find((z) => z.id === 'road');
    const lane = summary.zoneTable.find((z) => z.id === 'lane');
    // The program asked for 10 % and 5 %: the lowest levels lit are the minimums themselves.
    expect(road?.lowestLitLevel).toBe(40);
    expect(lane?.lowestLitLevel).toBe(20);
    expect(summary.levelHours['1-19']).toBe(0);
  });
});
