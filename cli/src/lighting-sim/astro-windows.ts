import type { SwitchOff, SwitchOn } from '@hameau/edge-agent';
import { sunAltitude } from './solar-altitude.js';

// When the switch rules say it is night, recomputed apart from the controller: the sun's
// altitude from solar-altitude.ts, its crossings found by search. A night here runs from one
// solar noon to the next, which holds the evening and the morning events of the same night
// wherever the local noon falls.

const DAY_MS = 86_400_000;
const HALF_DAY_MS = DAY_MS / 2;
const MINUTE_MS = 60_000;
const SEARCH_STEP_MS = 15 * MINUTE_MS;

/** The altitude of the sun's centre at each event the switch rules name, degrees. */
const EVENT_ALTITUDE: Readonly<Record<SwitchOn['at'] | SwitchOff['at'], number>> = {
  sunset: -0.833,
  sunrise: -0.833,
  'civil-dusk': -6,
  'civil-dawn': -6,
};

/** One night of a zone: lit from `on` to `off`; both null when there is no night. */
export interface AstroWindow {
  /** The night covers [from, to): solar noon to solar noon. */
  readonly from: number;
  readonly to: number;
  readonly on: number | null;
  readonly off: number | null;
}

/** Night windows of a site, per switch rule, computed once per night and rule. */
export class AstroWindows {
  readonly #latitude: number;
  readonly #longitude: number;
  readonly #cache = new Map<string, AstroWindow>();

  constructor(site: { readonly latitude: number; readonly longitude: number }) {
    this.#latitude = site.latitude;
    this.#longitude = site.longitude;
  }

  /** The mean solar noon of UTC day `day` at the site's longitude. */
  solarNoon(day: number): number {
    return day * DAY_MS + HALF_DAY_MS - (this.#longitude / 360) * DAY_MS;
  }

  /** The night (day number of the solar noon that starts it) holding `t`. */
  nightAt(t: number): number {
    return Math.floor((t - this.solarNoon(0)) / DAY_MS);
  }

  /** The window holding `t` for a zone's switch rules. */
  windowAt(t: number, on: SwitchOn, off: SwitchOff): AstroWindow {
    return this.window(this.nightAt(t), on, off);
  }

  /** Night `night`'s window for a zone's switch rules. */
  window(night: number, on: SwitchOn, off: SwitchOff): AstroWindow {
    const key = `${night}|${on.at}|${on.offsetMinutes}|${off.at}|${off.offsetMinutes}`;
    const known = this.#cache.get(key);
    if (known !== undefined) return known;
    const from = this.solarNoon(night);
    const to = from + DAY_MS;
    const midnight = from + HALF_DAY_MS;
    const dusk = this.#edge(from, midnight, EVENT_ALTITUDE[on.at], 'down');
    const dawn = this.#edge(midnight, to, EVENT_ALTITUDE[off.at], 'up');
    let window: AstroWindow = { from, to, on: null, off: null };
    if (dusk !== null && dawn !== null) {
      const onAt = dusk + on.offsetMinutes * MINUTE_MS;
      const offAt = dawn + off.offsetMinutes * MINUTE_MS;
      if (offAt > onAt) window = { from, to, on: Math.max(from, onAt), off: Math.min(to, offAt) };
    }
    if (this.#cache.size >= 256) this.#cache.clear();
    this.#cache.set(key, window);
    return window;
  }

  /**
   * Where the sun crosses `altitude` going `down` (between `a` and `b`), or the edge of the
   * half-night when it stays below (dark all along), or null when it stays above (no night).
   */
  #edge(a: number, b: number, altitude: number, way: 'down' | 'up'): number | null {
    const above = (t: number) => sunAltitude(t, this.#latitude, this.#longitude) > altitude;
    let previous = a;
    let wasAbove = above(a);
    for (let t = a + SEARCH_STEP_MS; t <= b; t += SEARCH_STEP_MS) {
      const isAbove = above(t);
      if (wasAbove !== isAbove && isAbove === (way === 'up')) {
        let lo = previous;
        let hi = t;
        while (hi - lo > 1_000) {
          const mid = (lo + hi) / 2;
          if (above(mid) === isAbove) hi = mid;
          else lo = mid;
        }
        return Math.round((lo + hi) / 2);
      }
      previous = t;
      wasAbove = isAbove;
    }
    // No crossing: the sun stays on one side of the altitude over this half of the night.
    const midnight = way === 'down' ? b : a;
    if (above(midnight)) return null;
    return way === 'down' ? a : b;
  }
}
