import { expect, it } from 'vitest';
import { WeatherPayload } from '../src/index.js';

const AT = '2026-11-25T21:30:00.000Z';

it('takes a METAR as text and an Open-Meteo body as JSON, never the other way round', () => {
  const metar = 'METAR LFPG 252130Z 22005KT 0300 FG VV001';
  const json = { utc_offset_seconds: 0, current: { time: '2026-11-25T21:30', interval: 900 } };
  expect(WeatherPayload.safeParse({ fetchedAt: AT, source: 'metar', body: metar }).success).toBe(
    true,
  );
  expect(
    WeatherPayload.safeParse({ fetchedAt: AT, source: 'open-meteo', body: json }).success,
  ).toBe(true);
  expect(WeatherPayload.safeParse({ fetchedAt: AT, source: 'metar', body: json }).success).toBe(
    false,
  );
  expect(
    WeatherPayload.safeParse({ fetchedAt: AT, source: 'open-meteo', body: metar }).success,
  ).toBe(false);
});
