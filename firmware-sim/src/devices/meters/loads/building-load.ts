import { LocalCalendar } from './local-calendar.js';
import type { LoadModel } from './load-model.js';
import { smoothNoise } from './smooth-noise.js';

/**
 * Share of the building's daytime load in use at each local hour (0 h … 23 h) on a working
 * day: a town hall or school, dark at night, ramping up from 7 h, a lunch dip, winding down
 * after 17 h. Interpolated linearly between hours.
 */
export const WORKDAY_SHAPE: readonly number[] = [
  0, 0, 0, 0, 0, 0.03, 0.12, 0.4, 0.8, 0.95, 1, 0.97, 0.82, 0.88, 0.96, 0.94, 0.88, 0.7, 0.45, 0.25,
  0.12, 0.06, 0.02, 0,
];

/** How much of the workday activity each day of the week sees (Monday first). */
export const WEEK_SHAPE: readonly number[] = [1, 1, 1, 1, 1, 0.35, 0.15];

/** Settings of a `BuildingLoad`. */
export interface BuildingLoadOptions {
  /** Night and weekend floor (ventilation, servers, fridges), W. */
  readonly baseW: number;
  /** Load at the busiest hour of a working day, W. */
  readonly peakW: number;
  readonly powerFactor: number;
  /** The town's IANA time zone: the shape follows local clocks. */
  readonly timeZone: string;
  /** ±5 % smooth wander when true; the bare shape when false. */
  readonly noise: boolean;
  readonly seed: number;
}

const NOISE_AMPLITUDE = 0.05;
const NOISE_PERIOD_MS = 15 * 60_000;

/** A public building's consumption: a base load plus a day shape scaled by the day of week. */
export class BuildingLoad implements LoadModel {
  readonly kind = 'building';
  readonly options: BuildingLoadOptions;
  readonly #calendar: LocalCalendar;

  constructor(options: BuildingLoadOptions) {
    this.options = options;
    this.#calendar = new LocalCalendar(options.timeZone);
  }

  /** Share of the day's activity at `t`, 0 to 1 (day shape × week shape). */
  activityAt(t: number): number {
    const { hour, weekday } = this.#calendar.at(t);
    const h = Math.floor(hour);
    const f = hour - h;
    const a = WORKDAY_SHAPE[h % 24] ?? 0;
    const b = WORKDAY_SHAPE[(h + 1) % 24] ?? 0;
    return (a + (b - a) * f) * (WEEK_SHAPE[weekday] ?? 1);
  }

  powerAt(t: number): number {
    const { baseW, peakW, noise, seed } = this.options;
    const shaped = baseW + (peakW - baseW) * this.activityAt(t);
    return noise ? shaped * (1 + NOISE_AMPLITUDE * smoothNoise(seed, t, NOISE_PERIOD_MS)) : shaped;
  }

  powerFactorAt(): number {
    return this.options.powerFactor;
  }
}
