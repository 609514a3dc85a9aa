import type { SunEvent } from '@hameau/protocol';
import { getPosition, getTimes } from 'suncalc';

const DAY_MS = 86_400_000;

// The events' names are part of the configuration schema (@hameau/protocol).
export { SUN_EVENTS, type SunEvent } from '@hameau/protocol';

/** The sun's centre altitude at each event, degrees. */
export const SUN_EVENT_ALTITUDE: Readonly<Record<SunEvent, number>> = {
  sunset: -0.833,
  sunrise: -0.833,
  'civil-dusk': -6,
  'civil-dawn': -6,
};

/**
 * The sun's events of one local date, as instants (ms); null when the sun does not reach that
 * altitude that day (near the poles: no sunset in midsummer, no civil dusk in a white night).
 * Sunrise and sunset are the sun's centre at −0.833° (upper limb at −0°34′, standard
 * refraction); civil dawn and dusk the centre at −6°.
 */
export interface SunTimes {
  readonly sunrise: number | null;
  readonly sunset: number | null;
  readonly civilDawn: number | null;
  readonly civilDusk: number | null;
  /** The sun never sets that day (polar day) or never rises (polar night). */
  readonly polar: 'day' | 'night' | null;
}

/** A site's position: north and east positive, degrees. */
export interface SitePosition {
  readonly latitude: number;
  readonly longitude: number;
}

/**
 * Sun times per local date at a site, computed with suncalc and kept for the few dates a
 * controller is working on.
 */
export class SunClock {
  readonly #site: SitePosition;
  readonly #cache = new Map<number, SunTimes>();

  constructor(site: SitePosition) {
    this.#site = site;
  }

  /** The sun times of a local date (a day number, see civil-date.ts). */
  times(dayNum: number): SunTimes {
    const cached = this.#cache.get(dayNum);
    if (cached !== undefined) return cached;
    const { latitude, longitude } = this.#site;
    // suncalc solves the solar day nearest the instant given: pass the approximate solar noon
    // of that date at this longitude, which is inside the right day whatever the time zone.
    const noon = dayNum * DAY_MS + DAY_MS / 2 - (longitude / 360) * DAY_MS;
    const t = getTimes(new Date(noon), latitude, longitude);
    const ms = (d: Date | null) => (d === null ? null : d.getTime());
    const times: SunTimes = {
      sunrise: ms(t.sunrise),
      sunset: ms(t.sunset),
      civilDawn: ms(t.dawn),
      civilDusk: ms(t.dusk),
      polar: t.alwaysUp === true ? 'day' : t.alwaysDown === true ? 'night' : null,
    };
    // A controller looks at two or three dates at a time; an annual simulation walks forward.
    if (this.#cache.size >= 8) this.#cache.clear();
    this.#cache.set(dayNum, times);
    return times;
  }

  /** The sun's apparent altitude at an instant, degrees (for the nights it never sets or rises). */
  altitudeAt(ms: number): number {
    return getPosition(new Date(ms), this.#site.latitude, this.#site.longitude).altitude;
  }

  /** The instant of one event on a local date, or null when it does not happen that day. */
  event(dayNum: number, event: SunEvent): number | null {
    const t = this.times(dayNum);
    switch (event) {
      case 'sunrise':
        return t.sunrise;
      case 'sunset':
        return t.sunset;
      case 'civil-dawn':
        return t.civilDawn;
      case 'civil-dusk':
        return t.civilDusk;
    }
  }
}
