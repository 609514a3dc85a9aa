import { z } from 'zod';
import {
  FOG_VISIBILITY_M,
  HEAVY_RAIN_MM_H,
  SNOW_COVER_M,
  type WeatherObservation,
} from './weather-observation.js';
import { WeatherParseError } from './weather-parse-error.js';

// Open-Meteo's forecast API (`/v1/forecast?current=weather_code,precipitation,visibility,
// cloud_cover,snow_depth`, or the same variables under `hourly=`). Times are local wall times of
// the requested `timezone` without an offset, which the body gives as `utc_offset_seconds`.

/** WMO 4677 codes Open-Meteo uses for fog (45) and depositing rime fog (48). */
const FOG_CODES = new Set([45, 48]);
/** Heavy rain (65), heavy freezing rain (67), violent showers (82), thunderstorms (95–99). */
const HEAVY_RAIN_CODES = new Set([65, 67, 82, 95, 96, 99]);

const Num = z.number();
const LocalTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, {
  message: 'expected a local time like 2026-11-25T21:00',
});

const Variables = {
  weather_code: Num.int().min(0).max(99).nullable().optional(),
  precipitation: Num.min(0).nullable().optional(),
  visibility: Num.min(0).nullable().optional(),
  cloud_cover: Num.min(0).max(100).nullable().optional(),
  snow_depth: Num.min(0).nullable().optional(),
};

const Current = z.object({ time: LocalTime, interval: Num.int().positive(), ...Variables });

const hourlyArray = z.array(Num.nullable()).optional();
const Hourly = z.object({
  time: z.array(LocalTime),
  weather_code: hourlyArray,
  precipitation: hourlyArray,
  visibility: hourlyArray,
  cloud_cover: hourlyArray,
  snow_depth: hourlyArray,
});

const Body = z.object({
  utc_offset_seconds: Num.int()
    .min(-18 * 3600)
    .max(18 * 3600),
  current: Current.optional(),
  hourly: Hourly.optional(),
});

interface Reading {
  readonly at: number;
  readonly intervalS: number;
  readonly weatherCode: number | null;
  readonly precipitationMm: number | null;
  readonly visibilityM: number | null;
  readonly cloudCoverPct: number | null;
  readonly snowDepthM: number | null;
}

function utcOf(local: string, offsetSeconds: number): number {
  return Date.parse(`${local}:00Z`) - offsetSeconds * 1000;
}

function observe(r: Reading): WeatherObservation {
  // Open-Meteo's precipitation is the sum over the preceding interval (15 min for `current`).
  const rate = r.precipitationMm === null ? null : (r.precipitationMm * 3600) / r.intervalS;
  const code = r.weatherCode;
  return {
    observedAt: r.at,
    source: 'open-meteo',
    fog:
      (code !== null && FOG_CODES.has(code)) ||
      (r.visibilityM !== null && r.visibilityM < FOG_VISIBILITY_M),
    heavyRain: (code !== null && HEAVY_RAIN_CODES.has(code)) || (rate ?? 0) >= HEAVY_RAIN_MM_H,
    snowCover: r.snowDepthM === null ? null : r.snowDepthM >= SNOW_COVER_M,
    visibilityM: r.visibilityM,
    precipitationMmH: rate,
    cloudCoverPct: r.cloudCoverPct,
    snowDepthM: r.snowDepthM,
    summary: code === null ? 'Open-Meteo' : `WMO ${String(code)}`,
  };
}

function parseBody(json: unknown): z.infer<typeof Body> {
  const body = Body.safeParse(json);
  if (!body.success) {
    throw new WeatherParseError(
      'open-meteo',
      body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
    );
  }
  return body.data;
}

/** The `current` block of an Open-Meteo response; throws `WeatherParseError` when it is not one. */
export function parseOpenMeteoCurrent(json: unknown): WeatherObservation {
  const body = parseBody(json);
  const c = body.current;
  if (c === undefined) throw new WeatherParseError('open-meteo', ['current: missing']);
  return observe({
    at: utcOf(c.time, body.utc_offset_seconds),
    intervalS: c.interval,
    weatherCode: c.weather_code ?? null,
    precipitationMm: c.precipitation ?? null,
    visibilityM: c.visibility ?? null,
    cloudCoverPct: c.cloud_cover ?? null,
    snowDepthM: c.snow_depth ?? null,
  });
}

/**
 * Every hour of an Open-Meteo `hourly` block, oldest first (a recorded weather year for the
 * simulation, or the hours around now). Arrays must be as long as `time`.
 */
export function parseOpenMeteoHourly(json: unknown): WeatherObservation[] {
  const body = parseBody(json);
  const h = body.hourly;
  if (h === undefined) throw new WeatherParseError('open-meteo', ['hourly: missing']);
  const problems = (
    ['weather_code', 'precipitation', 'visibility', 'cloud_cover', 'snow_depth'] as const
  )
    .filter((k) => h[k] !== undefined && h[k].length !== h.time.length)
    .map((k) => `hourly.${k}: ${String(h[k]?.length)} values for ${String(h.time.length)} times`);
  if (problems.length > 0) throw new WeatherParseError('open-meteo', problems);
  return h.time.map((time, i) =>
    observe({
      at: utcOf(time, body.utc_offset_seconds),
      intervalS: 3600,
      weatherCode: h.weather_code?.[i] ?? null,
      precipitationMm: h.precipitation?.[i] ?? null,
      visibilityM: h.visibility?.[i] ?? null,
      cloudCoverPct: h.cloud_cover?.[i] ?? null,
      snowDepthM: h.snow_depth?.[i] ?? null,
    }),
  );
}
