import { describe, expect, it } from 'vitest';
import {
  SolarProduction,
  clearSkyShare,
} from '../../../../src/devices/meters/loads/solar-production.js';
import { CHANTILLY } from '../../../../src/devices/meters/loads/load-options.js';

/**
 * Sunrise and sunset at Chantilly in 2026, from shared/reference/sun-chantilly-2026.csv
 * (PyEphem, independent of suncalc).
 */
const SUN: readonly (readonly [string, string])[] = [
  ['2026-01-15T07:39:33Z', '2026-01-15T16:19:50Z'],
  ['2026-02-15T06:59:03Z', '2026-02-15T17:10:02Z'],
  ['2026-03-15T06:03:47Z', '2026-03-15T17:55:05Z'],
  ['2026-04-15T04:58:55Z', '2026-04-15T18:42:19Z'],
  ['2026-05-15T04:07:21Z', '2026-05-15T19:26:24Z'],
  ['2026-06-21T03:44:51Z', '2026-06-21T19:58:59Z'],
  ['2026-07-15T04:01:12Z', '2026-07-15T19:50:24Z'],
  ['2026-08-15T04:41:49Z', '2026-08-15T19:06:26Z'],
  ['2026-09-15T05:26:21Z', '2026-09-15T18:03:22Z'],
  ['2026-10-15T06:10:47Z', '2026-10-15T17:00:13Z'],
  ['2026-11-15T07:00:05Z', '2026-11-15T16:08:47Z'],
  ['2026-12-21T07:42:15Z', '2026-12-21T15:54:05Z'],
];
const MIN = 60_000;

const clear = new SolarProduction({
  peakW: 10_000,
  ...CHANTILLY,
  clouds: 0.6,
  noise: false,
  seed: 1,
});

describe('SolarProduction', () => {
  it('defaults to Chantilly', () => {
    expect(CHANTILLY).toEqual({ latitude: 49.1939, longitude: 2.4711 });
  });

  it.each(SUN)('produces nothing at night and something by day (sunrise %s)', (rise, set) => {
    const sunrise = Date.parse(rise);
    const sunset = Date.parse(set);
    expect(clear.powerAt(sunrise - 10 * MIN)).toBe(0);
    expect(clear.powerAt(sunset + 10 * MIN)).toBe(0);
    expect(clear.powerAt(sunrise - 6 * 60 * MIN)).toBe(0);
    expect(clear.powerAt(sunrise + 20 * MIN)).toBeLessThan(0);
    expect(clear.powerAt(sunset - 20 * MIN)).toBeLessThan(0);
  });

  it.each(SUN)('peaks within 3 minutes of solar noon (sunrise %s)', (rise, set) => {
    const noon = (Date.parse(rise) + Date.parse(set)) / 2;
    let best = 0;
    let bestAt = 0;
    for (let t = noon - 3 * 60 * MIN; t <= noon + 3 * 60 * MIN; t += MIN) {
      const produced = -clear.powerAt(t);
      if (produced > best) [best, bestAt] = [produced, t];
    }
    expect(Math.abs(bestAt - noon)).toBeLessThanOrEqual(3 * MIN);
  });

  it('produces what the sun elevation at 49.19 N gives at noon, more in June than December', () => {
    // Noon elevation = 90 − latitude + declination: 64.25° at the June solstice, 17.37° in December.
    const june = (Date.parse(SUN[5]?.[0] ?? '') + Date.parse(SUN[5]?.[1] ?? '')) / 2;
    const december = (Date.parse(SUN[11]?.[0] ?? '') + Date.parse(SUN[11]?.[1] ?? '')) / 2;
    expect(-clear.powerAt(june) / (10_000 * clearSkyShare(90 - 49.1939 + 23.44))).toBeCloseTo(1, 2);
    expect(-clear.powerAt(december) / (10_000 * clearSkyShare(90 - 49.1939 - 23.44))).toBeCloseTo(
      1,
      1,
    );
    expect(-clear.powerAt(june)).toBeGreaterThan(-3 * clear.powerAt(december));
  });

  it('moves its noon with the longitude: 15° further east peaks an hour earlier', () => {
    const east = new SolarProduction({ ...clear.options, longitude: CHANTILLY.longitude + 15 });
    const day = Date.UTC(2026, 3, 15);
    const peakOf = (s: SolarProduction) => {
      let bestAt = 0;
      let best = 0;
      for (let t = day; t < day + 24 * 60 * MIN; t += MIN) {
        if (-s.powerAt(t) > best) [best, bestAt] = [-s.powerAt(t), t];
      }
      return bestAt;
    };
    expect((peakOf(clear) - peakOf(east)) / MIN).toBeCloseTo(60, -1);
  });

  it('loses at most `clouds` of the clear-sky output to clouds, never more', () => {
    const cloudy = new SolarProduction({ ...clear.options, noise: true, seed: 3 });
    const day = Date.UTC(2026, 5, 21, 6);
    let lost = 0;
    for (let t = day; t < day + 12 * 60 * MIN; t += 5 * MIN) {
      const c = -clear.powerAt(t);
      const p = -cloudy.powerAt(t);
      expect(p).toBeGreaterThanOrEqual(c * (1 - 0.6) - 1e-9);
      expect(p).toBeLessThanOrEqual(c);
      lost += c - p;
    }
    expect(lost).toBeGreaterThan(0);
  });

  it('has a clear-sky share of 1 at the zenith and 0 below the horizon', () => {
    expect(clearSkyShare(90)).toBeCloseTo(1, 12);
    expect(clearSkyShare(0)).toBe(0);
    expect(clearSkyShare(-3)).toBe(0);
    expect(clearSkyShare(30)).toBeLessThan(clearSkyShare(60));
  });
});
