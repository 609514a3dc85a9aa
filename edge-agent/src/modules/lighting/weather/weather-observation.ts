/**
 * The weather as the lighting controller needs it, whatever the source: a few conditions that
 * change what the street needs, with the measurements behind them for the reason trace. A value
 * the source does not give is null (METAR says nothing of snow on the ground), never false.
 */
export interface WeatherObservation {
  /** When the conditions were observed (ms since epoch, UTC). */
  readonly observedAt: number;
  readonly source: 'open-meteo' | 'metar';
  /** Fog, or visibility under `FOG_VISIBILITY_M`. */
  readonly fog: boolean;
  /** Heavy rain (or heavy showers, or a thunderstorm): drivers see less, the road reflects. */
  readonly heavyRain: boolean;
  /** Snow lying on the ground: it reflects light, so some towns dim. Null when unknown. */
  readonly snowCover: boolean | null;
  readonly visibilityM: number | null;
  /** Precipitation as an hourly rate, mm/h. */
  readonly precipitationMmH: number | null;
  readonly cloudCoverPct: number | null;
  readonly snowDepthM: number | null;
  /** What the source called it, for the trace: `WMO 45`, `METAR +RA BR`. */
  readonly summary: string;
}

/** Under this visibility it is fog, whatever the source calls it (the meteorological definition). */
export const FOG_VISIBILITY_M = 1_000;

/**
 * Heavy rain as a rate. The WMO's heavy is ≥ 7.6 mm/h; lighting practice cares earlier, when wet
 * asphalt turns specular, so this uses the UK Met Office's 4 mm/h.
 */
export const HEAVY_RAIN_MM_H = 4;

/** Snow on the ground from this depth: one centimetre covers the road's texture. */
export const SNOW_COVER_M = 0.01;
