import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AstroWindows } from '../../src/lighting-sim/astro-windows.js';
import { sunAltitude } from '../../src/lighting-sim/solar-altitude.js';

const CHANTILLY = { latitude: 49.1939, longitude: 2.4711 };
const DAY_MS = 86_400_000;
const SUNSET = { at: 'sunset', offsetMinutes: 0 } as const;
const SUNRISE = { at: 'sunrise', offsetMinutes: 0 } as const;
const DUSK = { at: 'civil-dusk', offsetMinutes: 0 } as const;
const DAWN = { at: 'civil-dawn', offsetMinutes: 0 } as const;

const rows = readFileSync(new URL('fixtures/sun-chantilly-2026.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [date = '', sunrise = '', sunset = '', dawn = '', dusk = ''] = line.split(',');
    return {
      date,
      day: Date.parse(`${date}T00:00:00Z`) / DAY_MS,
      sunrise: Date.parse(sunrise),
      sunset: Date.parse(sunset),
      dawn: Date.parse(dawn),
      dusk: Date.parse(dusk),
    };
  });

describe('AstroWindows (the checker’s own astronomy)', () => {
  const astro = new AstroWindows(CHANTILLY);

  it.each(rows)('agrees with PyEphem within 30 s on $date', (row) => {
    // The night of `date` starts at its sunset; its sunrise closes the night before.
    const evening = astro.window(row.day, SUNSET, SUNRISE);
    const morning = astro.window(row.day - 1, SUNSET, SUNRISE);
    const civilEvening = astro.window(row.day, DUSK, DAWN);
    const civilMorning = astro.window(row.day - 1, DUSK, DAWN);
    expect(Math.abs((evening.on ?? 0) - row.sunset)).toBeLessThan(30_000);
    expect(Math.abs((morning.off ?? 0) - row.sunrise)).toBeLessThan(30_000);
    expect(Math.abs((civilEvening.on ?? 0) - row.dusk)).toBeLessThan(30_000);
    expect(Math.abs((civilMorning.off ?? 0) - row.dawn)).toBeLessThan(30_000);
  });

  it('applies the switch offsets and finds the window holding an instant', () => {
    const row = rows[0];
    if (row === undefined) throw new Error('no fixture rows');
    const plain = astro.window(row.day, SUNSET, SUNRISE);
    const shifted = astro.windowAt(
      row.sunset + 3_600_000,
      { at: 'sunset', offsetMinutes: 15 },
      {
        at: 'sunrise',
        offsetMinutes: -20,
      },
    );
    expect(shifted.on).toBe((plain.on ?? 0) + 15 * 60_000);
    expect(shifted.off).toBe((plain.off ?? 0) - 20 * 60_000);
    expect(shifted.from).toBe(plain.from);
  });

  it('the sun is at the event altitude at the times it finds', () => {
    for (const row of rows) {
      const w = astro.window(row.day, DUSK, DAWN);
      expect(sunAltitude(w.on ?? 0, CHANTILLY.latitude, CHANTILLY.longitude)).toBeCloseTo(-6, 1);
      expect(sunAltitude(w.off ?? 0, CHANTILLY.latitude, CHANTILLY.longitude)).toBeCloseTo(-6, 1);
    }
  });

  it('has no night under the midnight sun and is dark all along in the polar night', () => {
    const svalbard = new AstroWindows({ latitude: 78.22, longitude: 15.65 });
    const midsummer = Date.parse('2026-06-21T00:00:00Z') / DAY_MS;
    const midwinter = Date.parse('2026-12-21T00:00:00Z') / DAY_MS;
    expect(svalbard.window(midsummer, SUNSET, SUNRISE)).toMatchObject({ on: null, off: null });
    const dark = svalbard.window(midwinter, SUNSET, SUNRISE);
    expect(dark.on).toBe(dark.from);
    expect(dark.off).toBe(dark.to);
  });
});
