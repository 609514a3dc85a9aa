import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseOpenMeteoCurrent,
  parseOpenMeteoHourly,
} from '../../../../src/modules/lighting/weather/open-meteo.js';
import { WeatherParseError } from '../../../../src/modules/lighting/weather/weather-parse-error.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));

describe('parseOpenMeteoCurrent', () => {
  it('reads fog from weather code 45, dated in UTC from the local time and its offset', () => {
    const w = parseOpenMeteoCurrent(fixture('open-meteo-current-fog.json'));
    expect(w).toEqual({
      observedAt: Date.UTC(2026, 10, 25, 20, 45),
      source: 'open-meteo',
      fog: true,
      heavyRain: false,
      snowCover: false,
      visibilityM: 240,
      precipitationMmH: 0,
      cloudCoverPct: 100,
      snowDepthM: 0,
      summary: 'WMO 45',
    });
  });

  it('turns a 15-minute precipitation sum into an hourly rate for heavy rain', () => {
    const body = fixture('open-meteo-current-fog.json') as { current: Record<string, unknown> };
    // 1.1 mm in 15 min is 4.4 mm/h: heavy, although the code says moderate rain (63).
    body.current = { ...body.current, weather_code: 63, precipitation: 1.1, visibility: 9000 };
    const w = parseOpenMeteoCurrent(body);
    expect(w.precipitationMmH).toBeCloseTo(4.4, 9);
    expect(w).toMatchObject({ fog: false, heavyRain: true });
    // 0.9 mm in 15 min is 3.6 mm/h: not heavy.
    body.current = { ...body.current, precipitation: 0.9 };
    expect(parseOpenMeteoCurrent(body).heavyRain).toBe(false);
  });

  it('calls fog any visibility under 1 km, whatever the code', () => {
    const body = fixture('open-meteo-current-fog.json') as { current: Record<string, unknown> };
    body.current = { ...body.current, weather_code: 3, visibility: 999 };
    expect(parseOpenMeteoCurrent(body).fog).toBe(true);
    body.current = { ...body.current, visibility: 1000 };
    expect(parseOpenMeteoCurrent(body).fog).toBe(false);
  });

  it('leaves what the body does not give as null, not as fair weather', () => {
    const w = parseOpenMeteoCurrent({
      utc_offset_seconds: 0,
      current: { time: '2026-11-25T21:00', interval: 900, weather_code: 2 },
    });
    expect(w).toMatchObject({ snowCover: null, visibilityM: null, precipitationMmH: null });
  });

  it('lists every problem of a body that is not an Open-Meteo response', () => {
    const bad = () =>
      parseOpenMeteoCurrent({
        current: { time: '25/11/2026 21:00', interval: 900, visibility: -3 },
      });
    expect(bad).toThrow(WeatherParseError);
    try {
      bad();
    } catch (err) {
      const problems = (err as WeatherParseError).problems.join('\n');
      expect(problems).toMatch(/utc_offset_seconds/);
      expect(problems).toMatch(/current\.time: expected a local time/);
      expect(problems).toMatch(/current\.visibility/);
      expect((err as WeatherParseError).code).toBe('PAYLOAD_INVALID');
    }
    expect(() => parseOpenMeteoCurrent({ utc_offset_seconds: 0 })).toThrow(/current: missing/);
    expect(() => parseOpenMeteoCurrent('not json at all')).toThrow(WeatherParseError);
  });
});

describe('parseOpenMeteoHourly', () => {
  it('reads every hour: cloud, heavy rain, snow falling then lying', () => {
    const hours = parseOpenMeteoHourly(fixture('open-meteo-hourly.json'));
    expect(hours.map((h) => [h.observedAt, h.fog, h.heavyRain, h.snowCover])).toEqual([
      [Date.UTC(2026, 0, 20, 17), false, false, false],
      [Date.UTC(2026, 0, 20, 18), false, true, false],
      [Date.UTC(2026, 0, 20, 19), false, false, true],
      [Date.UTC(2026, 0, 20, 20), false, false, true],
    ]);
    expect(hours[3]?.visibilityM).toBeNull();
  });

  it('refuses arrays that do not line up with the times', () => {
    const body = fixture('open-meteo-hourly.json') as { hourly: Record<string, unknown[]> };
    body.hourly['visibility'] = [1, 2];
    expect(() => parseOpenMeteoHourly(body)).toThrow(/hourly\.visibility: 2 values for 4 times/);
  });
});
