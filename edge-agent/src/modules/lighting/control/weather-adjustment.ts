import type { WeatherConfig, WeatherInput } from '@hameau/protocol';

// How the weather moves a lit zone's program level. Fog and heavy rain raise it (drivers see
// less; wet asphalt turns specular and swallows light); snow on the ground may lower it (it
// reflects light back), never below the class minimum. A report older than `staleMinutes` says
// nothing any more: the zone falls back to its program, and the trace says why.

const MINUTE_MS = 60_000;
/** A report dated up to this far ahead of the controller's clock is clock skew, not an error. */
const FUTURE_TOLERANCE_MS = 5 * MINUTE_MS;

// The settings and the input are configuration and messages, defined in @hameau/protocol.
export {
  WeatherConfigSchema,
  WeatherInputSchema,
  type WeatherConfig,
  type WeatherInput,
} from '@hameau/protocol';

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
