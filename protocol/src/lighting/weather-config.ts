import { z } from 'zod';
import { Instant } from './schema-parts.js';

// How the weather moves a lit zone's program level. Fog and heavy rain raise it (drivers see
// less; wet asphalt turns specular and swallows light); snow on the ground may lower it (it
// reflects light back), never below the class minimum. A report older than `staleMinutes` says
// nothing any more: the zone falls back to its program, and the trace says why. The effect
// itself is computed on the edge (edge-agent weather-adjustment.ts).

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
