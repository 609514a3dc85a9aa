import { z } from 'zod';
import { Instant } from './schema-parts.js';

// How the weather moves a lit zone's program level. Fog and heavy rain raise it (drivers see
// less; wet asphalt turns specular and swallows light); snow on the ground may lower it (it
// reflects light back), never below the class minimum. A report older than `staleMinutes` says
// nothing any more: the zone falls back to its program, and the trace says why.

const MINUTE_MS = 60_000;
/** A report dated up to this far ahead of the controller's clock is clock skew, not an error. */
const FUTURE_TOLERANCE_MS = 5 * MINUTE_MS;

const points = (what: string, fallback: number) =>
  z
    .int({ error: `${what}: whole percentage points` })
    .min(0, { error: `${what}: 0-100 points` })
    .max(100, { error: `${what}: 0-100 points` })
    .default(fallback);

/** The weather settings of the lighting configuration. */
export const WeatherConfigSchema = z.strictObject({
  /** Points added in fog (or visibility under `fogVisibilityM`). */
  fogRaise: points('fogRaise', 20),
  /** Points added in heavy rain. With fog too, the larger of the two applies, not the sum. */
  rainRaise: points('rainRaise', 20),
  /** Points taken off with snow cover (0: off). Fog and rain win over it. */
  snowLower: points('snowLower', 0),
  /** A report older than this is ignored. */
  staleMinutes: z
    .int({ error: 'staleMinutes: whole minutes' })
    .min(1, { error: 'staleMinutes: 1-1440' })
    .max(1440, { error: 'staleMinutes: 1-1440' })
    .default(90),
  /** Visibility under this is fog, whatever the fog flag says (the meteorological 1 km). */
  fogVisibilityM: z
    .number({ error: 'fogVisibilityM: metres' })
    .min(0, { error: 'fogVisibilityM: 0-100000 m' })
    .max(100_000, { error: 'fogVisibilityM: 0-100000 m' })
    .default(1_000),
});
export type WeatherConfig = z.output<typeof WeatherConfigSchema>;

/**
 * The weather as another part of the agent normalised it (weather/weather-observation.ts has
 * this shape); unknown values are null or absent. Extra fields are dropped.
 */
export const WeatherInputSchema = z.object({
  observedAt: Instant,
  fog: z.boolean(),
  heavyRain: z.boolean(),
  snowCover: z.boolean().nullable().optional(),
  visibilityM: z.number().nonnegative().nullable().optional(),
  /** What the source called it, for the trace (`METAR FG`, `WMO 45`). */
  summary: z.string().max(200).optional(),
});

/** The weather input of a decision (a `WeatherObservation` fits it). */
export interface WeatherInput {
  readonly observedAt: number;
  readonly fog: boolean;
  readonly heavyRain: boolean;
  readonly snowCover?: boolean | null | undefined;
  readonly visibilityM?: number | null | undefined;
  readonly summary?: string | undefined;
}

/** What one weather report does to a lit zone, while it is fresh. */
export interface WeatherEffect {
  /** Points added to the program level; negative lowers it. */
  readonly delta: number;
  /** The conditions, for the trace: `fog (visibility 300 m)`, `clear`. */
  readonly label: string;
  readonly observedAt: number;
  readonly staleMinutes: number;
  /** The report counts from `freshFrom` to `freshUntil` (ms), both included. */
  readonly freshFrom: number;
  readonly freshUntil: number;
}

/** The effect of a report, computed once per report (the controller keeps it). */
export function weatherEffect(config: WeatherConfig, weather: WeatherInput): WeatherEffect {
  const visibility = weather.visibilityM ?? null;
  const lowVisibility = visibility !== null && visibility < config.fogVisibilityM;
  const fog = weather.fog || lowVisibility;
  const raise = Math.max(fog ? config.fogRaise : 0, weather.heavyRain ? config.rainRaise : 0);
  const conditions: string[] = [];
  if (fog) conditions.push(visibility !== null ? `fog (visibility ${visibility} m)` : 'fog');
  if (weather.heavyRain) conditions.push('heavy rain');
  let delta = raise;
  if (conditions.length === 0 && weather.snowCover === true) {
    conditions.push('snow cover');
    delta = -config.snowLower;
  }
  let label = conditions.length === 0 ? 'clear' : conditions.join(' and ');
  if (weather.summary !== undefined && weather.summary !== '') label += ` [${weather.summary}]`;
  return {
    delta,
    label,
    observedAt: weather.observedAt,
    staleMinutes: config.staleMinutes,
    freshFrom: weather.observedAt - FUTURE_TOLERANCE_MS,
    freshUntil: weather.observedAt + config.staleMinutes * MINUTE_MS,
  };
}

/** The program level after the weather: raised up to 100, or lowered but still lit. */
export function applyWeather(level: number, delta: number): number {
  if (level <= 0 || delta === 0) return level;
  return delta > 0 ? Math.min(100, level + delta) : Math.max(1, level + delta);
}
