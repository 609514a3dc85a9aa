import { ZonedTime } from '@hameau/edge-agent';
import { describe, expect, it } from 'vitest';
import { syntheticWeather } from '../../src/lighting-sim/synthetic-weather.js';
import { WeatherTrack } from '../../src/lighting-sim/weather-track.js';

const HOUR_MS = 3_600_000;
const from = Date.parse('2026-01-01T11:00:00Z');
const to = Date.parse('2027-01-01T11:00:00Z');
const year = (seed: number) => syntheticWeather({ from, to, seed, timeZone: 'Europe/Paris' });

describe('syntheticWeather', () => {
  it('is one report an hour, on the hour, over the whole period', () => {
    const reports = year(1);
    expect(reports).toHaveLength((to - from) / HOUR_MS);
    expect(reports[0]?.observedAt).toBe(from);
    expect(reports.every((r, i) => r.observedAt === from + i * HOUR_MS)).toBe(true);
  });

  it('is the same year for the same seed, another for another', () => {
    expect(year(7)).toEqual(year(7));
    const flags = (seed: number) => year(seed).map((r) => `${r.fog}${r.heavyRain}${r.snowCover}`);
    expect(flags(7)).not.toEqual(flags(8));
  });

  it('has fog mostly in autumn and winter, in the evening, night and morning', () => {
    const time = new ZonedTime('Europe/Paris');
    let coldFog = 0;
    let warmFog = 0;
    let afternoonFog = 0;
    let fog = 0;
    for (const seed of [1, 2, 3, 4]) {
      for (const r of year(seed)) {
        if (!r.fog) continue;
        fog++;
        const month = new Date(r.observedAt).getUTCMonth() + 1;
        if ([10, 11, 12, 1, 2].includes(month)) coldFog++;
        if ([4, 5, 6, 7, 8].includes(month)) warmFog++;
        const hour = Math.floor(time.localMinutes(r.observedAt) / 60);
        if (hour >= 12 && hour < 17) afternoonFog++;
        expect(r.visibilityM).toBeLessThan(1000);
      }
    }
    // About forty fog days a year of a few hours each.
    expect(fog / 4).toBeGreaterThan(120);
    expect(fog / 4).toBeLessThan(500);
    expect(coldFog).toBeGreaterThan(4 * warmFog);
    expect(afternoonFog).toBe(0);
  });

  it('has heavy rain a few dozen hours a year and snow only from November to March', () => {
    for (const seed of [1, 2, 3]) {
      const reports = year(seed);
      const rain = reports.filter((r) => r.heavyRain).length;
      expect(rain).toBeGreaterThan(10);
      expect(rain).toBeLessThan(150);
      for (const r of reports.filter((x) => x.snowCover === true)) {
        // A snowfall on 31 March may lie into April: allow its first days.
        const d = new Date(r.observedAt);
        const month = d.getUTCMonth() + 1;
        expect([11, 12, 1, 2, 3].includes(month) || (month === 4 && d.getUTCDate() <= 3)).toBe(
          true,
        );
      }
    }
  });
});

describe('WeatherTrack', () => {
  it('gives the latest report observed by an instant, the same object until the next', () => {
    const reports = year(1).slice(0, 3);
    const track = new WeatherTrack([...reports].reverse());
    expect(track.at(from - 1)).toBeNull();
    expect(track.at(from)).toBe(reports[0]);
    expect(track.at(from + HOUR_MS - 1)).toBe(reports[0]);
    expect(track.at(from + HOUR_MS)).toBe(reports[1]);
    expect(track.at(from + 10 * HOUR_MS)).toBe(reports[2]);
    // Stepping back starts over.
    expect(track.at(from + 1)).toBe(reports[0]);
    expect(track.span).toEqual({ first: from, last: from + 2 * HOUR_MS });
  });
});
