import type { ClockAssessment } from './clock-trust.js';
import type { ControlProgram } from './control-program.js';
import { matchCalendar } from './lighting-calendar.js';
import type { LightingControlConfig, Zone } from './lighting-control-config.js';
import type { LightingEvent } from './lighting-event.js';
import type { LightingOverride } from './lighting-override.js';
import { explainDecision, type DecisionFacts, type FailsafeTrace } from './explain-decision.js';
import { composeLevel } from './compose-level.js';
import {
  compileNight,
  segmentAt,
  type LightingMode,
  type NightPlan,
  type Span,
} from './night-plan.js';
import { HolidayCalendar } from './public-holidays.js';
import { selectsZone } from './schema-parts.js';
import { SunClock } from './sun-clock.js';
import { weatherEffect, type WeatherEffect, type WeatherInput } from './weather-adjustment.js';
import { ZonedTime } from './zoned-time.js';

const MINUTE_MS = 60_000;
const NOON = 12 * 60;

export type { LightingMode };

/** What a decision takes besides the configuration and the time. */
export interface LightingInputs {
  /** Overrides in force or to come. Pass the same array until it changes: plans are kept per array. */
  readonly overrides?: readonly LightingOverride[] | undefined;
  readonly weather?: WeatherInput | null | undefined;
  /** A light sensor's verdict, used only while the clock is untrusted. */
  readonly lightSensor?: { readonly dark: boolean } | null | undefined;
  /** From `ClockTrust.observe`; absent means trusted. */
  readonly clock?: ClockAssessment | undefined;
}

const NO_OVERRIDES: readonly LightingOverride[] = [];

/** The level of one zone at one instant, and why (built when `reasons` is read). */
export class LightingDecision {
  /** 0–100; a lit zone is never under its class minimum. */
  readonly level: number;
  readonly lit: boolean;
  readonly mode: LightingMode;
  readonly at: number;
  readonly plan: NightPlan;
  readonly segment: number;
  readonly weather: WeatherEffect | null;
  readonly failsafe: FailsafeTrace | null;
  readonly #time: ZonedTime;
  #reasons: string[] | null = null;

  constructor(
    fields: Omit<DecisionFacts, 'lit' | 'failsafe'>,
    time: ZonedTime,
    failsafe: FailsafeTrace | null = null,
  ) {
    this.level = fields.level;
    this.lit = fields.level > 0;
    this.mode = fields.mode;
    this.at = fields.at;
    this.plan = fields.plan;
    this.segment = fields.segment;
    this.weather = fields.weather;
    this.failsafe = failsafe;
    this.#time = time;
  }

  /** The trace: `astro: night (sunset 16:58 +0 min, …)`, `calendar: rule …`, … */
  get reasons(): string[] {
    this.#reasons ??= explainDecision(this, this.#time);
    return this.#reasons;
  }
}

interface ZoneState {
  readonly zone: Zone;
  readonly classMinimum: number;
  readonly events: readonly Span[];
  plan: NightPlan | null;
  overridesRef: readonly LightingOverride[];
  segment: number;
  lastGood: LightingDecision | null;
}

function eventSpan(e: LightingEvent): Span {
  const ramp = e.rampMinutes * MINUTE_MS;
  return {
    kind: 'event',
    id: e.id,
    name: e.name,
    level: e.level,
    rampMs: ramp,
    fullFrom: e.start,
    fullTo: e.end,
    from: e.start - ramp,
    to: e.end + ramp,
    issuedAt: 0,
  };
}

function overrideSpan(o: LightingOverride): Span {
  const ramp = o.rampSeconds * 1000;
  return {
    kind: 'override',
    id: o.id,
    name: o.id,
    level: o.level,
    rampMs: ramp,
    fullFrom: o.start + ramp,
    fullTo: o.expiresAt,
    from: o.start,
    to: o.expiresAt + ramp,
    issuedAt: o.issuedAt,
  };
}

/**
 * The lighting controller's decision core: pure (no I/O, no timers), time passed in. It
 * compiles each zone's night once into a `NightPlan` and answers `decide` from it.
 */
export class LightingController {
  readonly config: LightingControlConfig;
  readonly time: ZonedTime;
  readonly sun: SunClock;
  readonly #holidays: HolidayCalendar;
  readonly #programs: ReadonlyMap<string, ControlProgram>;
  readonly #zones = new Map<string, ZoneState>();
  /** The night `nightOf` last found, for the other zones asking about the same time. */
  #lastNight: { night: number; from: number; to: number } | null = null;
  #weatherRef: WeatherInput | null = null;
  #weatherEffect: WeatherEffect | null = null;

  /** `config` is a parsed `LightingControlConfigSchema`. */
  constructor(config: LightingControlConfig) {
    this.config = config;
    this.time = new ZonedTime(config.site.timeZone);
    this.sun = new SunClock(config.site);
    this.#holidays = new HolidayCalendar(config.holidays);
    this.#programs = new Map(config.programs.map((p) => [p.id, p]));
    for (const zone of config.zones) {
      this.#zones.set(zone.id, {
        zone,
        classMinimum: config.classMinimums[zone.class],
        events: config.events.filter((e) => selectsZone(e.zones, zone.id)).map(eventSpan),
        plan: null,
        overridesRef: NO_OVERRIDES,
        segment: 0,
        lastGood: null,
      });
    }
  }

  /** The local date (day number) of the night holding `t`: nights run from local noon. */
  nightOf(t: number): number {
    const known = this.#lastNight;
    if (known !== null && t >= known.from && t < known.to) return known.night;
    const day = this.time.localDay(t);
    return this.time.localMinutes(t) < NOON ? day - 1 : day;
  }

  /** A zone's plan for a night (compiled afresh; for consoles, energy and tests). */
  plan(zoneId: string, night: number, overrides: readonly LightingOverride[] = []): NightPlan {
    return this.#compile(this.#state(zoneId), night, overrides);
  }

  /** The level of a zone at `now` (ms since epoch). */
  decide(zoneId: string, inputs: LightingInputs, now: number): LightingDecision {
    const state = this.#state(zoneId);
    const clock = inputs.clock;
    if (clock !== undefined && !clock.trusted) {
      return this.#failsafe(state, inputs, clock.reason, clock.estimatedNow, now);
    }
    // Any empty list is the same list: a caller passing `[]` each time keeps its plans.
    const overrides = inputs.overrides?.length ? inputs.overrides : NO_OVERRIDES;
    const plan = this.#planAt(state, overrides, now);
    const index = segmentAt(plan, now, state.segment);
    state.segment = index;
    const seg = plan.segments[index];
    if (seg === undefined) throw new Error('a night plan has no segment for its own window');

    let effect: WeatherEffect | null = null;
    let delta = 0;
    const weather = inputs.weather;
    if (weather != null) {
      if (weather !== this.#weatherRef) {
        this.#weatherRef = weather;
        this.#weatherEffect = weatherEffect(this.config.weather, weather);
      }
      effect = this.#weatherEffect;
      if (effect !== null && now >= effect.freshFrom && now <= effect.freshUntil) {
        delta = effect.delta;
      }
    }

    const level =
      seg.fixed >= 0 && (delta === 0 || !seg.weatherable)
        ? seg.fixed
        : composeLevel(seg, now, delta, state.classMinimum, null);
    const mode = seg.mode;
    const decision = new LightingDecision(
      { level, mode, at: now, plan, segment: index, weather: effect },
      this.time,
    );
    state.lastGood = decision;
    return decision;
  }

  /** The reason trace of `decide` (same arguments). */
  explain(zoneId: string, inputs: LightingInputs, now: number): string[] {
    return this.decide(zoneId, inputs, now).reasons;
  }

  #state(zoneId: string): ZoneState {
    const state = this.#zones.get(zoneId);
    if (state === undefined)
      throw new RangeError(`unknown lighting zone ${JSON.stringify(zoneId)}`);
    return state;
  }

  #planAt(state: ZoneState, overrides: readonly LightingOverride[], t: number): NightPlan {
    const plan = state.plan;
    if (plan !== null && t >= plan.from && t < plan.to && overrides === state.overridesRef) {
      return plan;
    }
    let night = this.nightOf(t);
    let next = this.#compile(state, night, overrides);
    // Only a time zone moving its clocks across noon could make these differ; step to it.
    while (t < next.from) next = this.#compile(state, --night, overrides);
    while (t >= next.to) next = this.#compile(state, ++night, overrides);
    this.#lastNight = { night, from: next.from, to: next.to };
    state.plan = next;
    state.overridesRef = overrides;
    state.segment = 0;
    return next;
  }

  #compile(state: ZoneState, night: number, overrides: readonly LightingOverride[]): NightPlan {
    const { zone } = state;
    const match = matchCalendar(this.config.calendar, zone.id, night, this.#holidays);
    const programId = match?.rule.program ?? zone.defaultProgram ?? this.config.defaultProgram;
    const program = this.#programs.get(programId);
    if (program === undefined) throw new RangeError(`unknown program ${JSON.stringify(programId)}`);
    const zoneOverrides = overrides
      .filter((o) => selectsZone(o.zones, zone.id))
      .map(overrideSpan)
      .sort((a, b) => a.issuedAt - b.issuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return compileNight({
      zone,
      classMinimum: state.classMinimum,
      night,
      switchOn: zone.switchOn ?? this.config.switchOn,
      switchOff: zone.switchOff ?? this.config.switchOff,
      match,
      program,
      events: state.events,
      overrides: zoneOverrides,
      sun: this.sun,
      time: this.time,
    });
  }

  /**
   * Wall time cannot be believed: full light if a light sensor or the last known-good schedule
   * (at the time the monotonic clock extrapolates) says it is night; off when that schedule says
   * it is day (holding the night's level past dawn would burn all morning); with no schedule,
   * hold the last decision taken on good time; with nothing, full light, unless a sensor says
   * it is day.
   */
  #failsafe(
    state: ZoneState,
    inputs: LightingInputs,
    reason: string,
    estimatedNow: number | null,
    now: number,
  ): LightingDecision {
    const sensorDark = inputs.lightSensor?.dark ?? null;
    let scheduleNight: boolean | null = null;
    let plan = state.plan;
    let segment = 0;
    if (estimatedNow !== null) {
      plan = this.#planAt(state, state.overridesRef, estimatedNow);
      segment = segmentAt(plan, estimatedNow, 0);
      scheduleNight = plan.segments[segment]?.lit ?? false;
    }
    plan ??= this.#planAt(state, state.overridesRef, now);
    const last = state.lastGood;
    let level: number;
    let cause: FailsafeTrace['cause'];
    if (sensorDark === true || scheduleNight === true) {
      level = 100;
      cause = 'night';
    } else if (scheduleNight === false) {
      level = 0;
      cause = 'schedule-day';
    } else if (last !== null) {
      level = last.level;
      cause = 'hold';
    } else if (sensorDark === false) {
      level = 0;
      cause = 'sensor-day';
    } else {
      level = 100;
      cause = 'unknown';
    }
    const trace: FailsafeTrace = {
      reason,
      cause,
      sensorDark,
      scheduleNight,
      estimatedNow,
      lastGood: last === null ? null : { level: last.level, mode: last.mode, at: last.at },
    };
    return new LightingDecision(
      { level, mode: 'failsafe', at: now, plan, segment, weather: null },
      this.time,
      trace,
    );
  }
}
