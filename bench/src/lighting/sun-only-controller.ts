import { SunClock, ZonedTime, type LightingControlConfig } from '@hameau/edge-agent';

// The baseline of the decisions benchmark: the least a controller can do, on or off from sun
// times computed before the clock starts. Same call shape and same loop as the real one, so the
// ratio between the two is the cost of programs, calendars, events, weather and traces.

const MINUTE_MS = 60_000;
const NOON = 12 * 60;

/** What the loop reads of a decision, real or baseline. */
export interface TimedDecision {
  readonly level: number;
  readonly lit: boolean;
  readonly reasons: readonly string[];
}

/** Anything the loop can time. */
export interface Decider {
  decide(zoneId: string, inputs: object, now: number): TimedDecision;
}

class SunOnlyDecision implements TimedDecision {
  readonly level: number;
  readonly lit: boolean;

  constructor(level: number) {
    this.level = level;
    this.lit = level > 0;
  }

  get reasons(): readonly string[] {
    return [this.lit ? 'astro: night' : 'astro: day'];
  }
}

/** On at 100 % between switch-on and switch-off, off otherwise; nothing else. */
export class SunOnlyController implements Decider {
  readonly #zones = new Map<string, { night: number }>();
  readonly #nightFrom: Float64Array;
  readonly #on: Float64Array;
  readonly #off: Float64Array;

  /** Precomputes the nights holding [from, to) for the site's switch rules. */
  constructor(config: LightingControlConfig, from: number, to: number) {
    const time = new ZonedTime(config.site.timeZone);
    const sun = new SunClock(config.site);
    const first = time.localDay(from) - 1;
    const last = time.localDay(to) + 1;
    const n = last - first + 1;
    this.#nightFrom = new Float64Array(n + 1);
    this.#on = new Float64Array(n);
    this.#off = new Float64Array(n);
    for (let i = 0; i <= n; i++) this.#nightFrom[i] = time.instantOf(first + i, NOON);
    for (let i = 0; i < n; i++) {
      const on = sun.event(first + i, config.switchOn.at);
      const off = sun.event(first + i + 1, config.switchOff.at);
      this.#on[i] = on === null ? Infinity : on + config.switchOn.offsetMinutes * MINUTE_MS;
      this.#off[i] = off === null ? -Infinity : off + config.switchOff.offsetMinutes * MINUTE_MS;
    }
    for (const zone of config.zones) this.#zones.set(zone.id, { night: 0 });
  }

  decide(zoneId: string, _inputs: object, now: number): TimedDecision {
    const zone = this.#zones.get(zoneId);
    if (zone === undefined) throw new RangeError(`unknown zone ${zoneId}`);
    let i = zone.night;
    while ((this.#nightFrom[i + 1] ?? Infinity) <= now) i++;
    zone.night = i;
    const lit = now >= (this.#on[i] ?? Infinity) && now < (this.#off[i] ?? -Infinity);
    return new SunOnlyDecision(lit ? 100 : 0);
  }
}
