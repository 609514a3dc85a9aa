import { getPosition } from 'suncalc';
import type { LoadModel } from './load-model.js';
import { smoothNoise } from './smooth-noise.js';

/** Settings of a `SolarProduction`. */
export interface SolarProductionOptions {
  /** Output with the sun at the zenith in a clear sky, W. */
  readonly peakW: number;
  /** Degrees north. */
  readonly latitude: number;
  /** Degrees east. */
  readonly longitude: number;
  /** The largest share of the clear-sky output a passing cloud takes away, 0 to 1. */
  readonly clouds: number;
  /** Clouds come and go when true; the clear-sky curve when false. */
  readonly noise: boolean;
  readonly seed: number;
}

const CLOUD_PERIOD_MS = 30 * 60_000;
/** Air mass is capped near the horizon, where 1/sin(elevation) diverges. */
const MAX_AIR_MASS = 38;

/**
 * The clear-sky share of the zenith output at a solar elevation: the projection on a
 * horizontal panel (sin h) times the atmosphere's attenuation (Meinel: 0.7^(AM^0.678)),
 * normalised to 1 at the zenith. Zero when the sun is below the horizon.
 */
export function clearSkyShare(elevationDeg: number): number {
  if (elevationDeg <= 0) return 0;
  const sin = Math.sin((elevationDeg * Math.PI) / 180);
  const airMass = Math.min(MAX_AIR_MASS, 1 / sin);
  return (sin * Math.pow(0.7, Math.pow(airMass, 0.678))) / 0.7;
}

/**
 * Solar panels behind a meter: production follows the sun's elevation at the site (suncalc),
 * so it is zero at night, peaks at solar noon and is higher in June than in December. The
 * meter sees it as export (negative power).
 */
export class SolarProduction implements LoadModel {
  readonly kind = 'solar';
  readonly options: SolarProductionOptions;

  constructor(options: SolarProductionOptions) {
    this.options = options;
  }

  /** The sun's apparent elevation at the site, degrees. */
  elevationAt(t: number): number {
    return getPosition(new Date(t), this.options.latitude, this.options.longitude).altitude;
  }

  /** Production at `t`, W (positive). */
  productionAt(t: number): number {
    const { peakW, clouds, noise, seed } = this.options;
    const clear = peakW * clearSkyShare(this.elevationAt(t));
    if (clear === 0 || !noise) return clear;
    const cover = (smoothNoise(seed, t, CLOUD_PERIOD_MS) + 1) / 2;
    return clear * (1 - clouds * cover);
  }

  powerAt(t: number): number {
    const produced = this.productionAt(t);
    // -0 would encode as a negative zero float: a meter shows 0.
    return produced === 0 ? 0 : -produced;
  }

  powerFactorAt(): number {
    // Grid-tied inverters run at unity power factor.
    return 1;
  }
}
