import type { ControlProgram, StepEnd } from './control-program.js';
import type { CalendarMatch } from './lighting-calendar.js';
import type { SwitchOff, SwitchOn, Zone } from './lighting-control-config.js';
import { SUN_EVENT_ALTITUDE, type SunClock, type SunEvent } from './sun-clock.js';
import type { ZonedTime } from './zoned-time.js';

// A zone's night compiled once into absolute instants: switch-on and switch-off, the program's
// steps, the events and overrides, cut into segments over which everything but a ramp is
// constant. Deciding a level is then finding the segment (usually the one of the last call)
// and a few comparisons. A night is the local date it starts on, and its plan covers local noon
// to the next local noon: 23 or 25 hours on the nights the clocks change.

const MINUTE_MS = 60_000;

/** Where a level comes from. */
export type LightingMode = 'off' | 'program' | 'event' | 'override' | 'failsafe';
const NOON = 12 * 60;

/** An event or an override laid on the night, with its ramps. */
export interface Span {
  readonly kind: 'event' | 'override';
  readonly id: string;
  /** The event's name, or the override's id. */
  readonly name: string;
  readonly level: number;
  readonly rampMs: number;
  /** At full level over [fullFrom, fullTo); ramping over [from, fullFrom) and [fullTo, to). */
  readonly fullFrom: number;
  readonly fullTo: number;
  readonly from: number;
  readonly to: number;
  /** When an override was issued (its priority); 0 for events. */
  readonly issuedAt: number;
}

/** How far a span's level has replaced what lies under it at `t` (0–1). */
export function rampFactor(span: Span, t: number): number {
  if (span.rampMs === 0) return 1;
  return Math.min(1, (t - span.from) / span.rampMs, (span.to - t) / span.rampMs);
}

/** A stretch of the night over which the schedule is constant. */
export interface PlanSegment {
  readonly from: number;
  readonly to: number;
  /** The astronomical clock says night (between switch-on and switch-off). */
  readonly lit: boolean;
  /** The program step in force, or -1 by day. */
  readonly step: number;
  /** The program's level: 0 by day and during an off step. */
  readonly base: number;
  /** Events and overrides in force (overrides in issue order, the last issued last). */
  readonly events: readonly Span[];
  readonly overrides: readonly Span[];
  /** The final level when no event, override or weather applies; -1 when some span does. */
  readonly fixed: number;
  /** The weather can move this segment: lit by the program. */
  readonly weatherable: boolean;
  /** Where the level comes from (the failsafe aside). */
  readonly mode: LightingMode;
}

/** One zone's compiled night. */
export interface NightPlan {
  readonly zone: Zone;
  readonly classMinimum: number;
  /** The day number of the local date the night starts on. */
  readonly night: number;
  /** The plan covers [from, to): local noon to the next local noon. */
  readonly from: number;
  readonly to: number;
  /** Switch-on and switch-off; null when the sun keeps it light all night. */
  readonly switchOn: number | null;
  readonly switchOff: number | null;
  readonly switchOnRule: SwitchOn;
  readonly switchOffRule: SwitchOff;
  /** Set when the sun does not rise or set that night (polar latitudes). */
  readonly polar: 'no-night' | 'dark' | null;
  /** The calendar rule that chose the program; null: the default program. */
  readonly match: CalendarMatch | null;
  readonly program: ControlProgram;
  /** When each program step ends (clamped to the night; a step may be empty). */
  readonly stepEnds: readonly number[];
  /** Segment i covers [bounds[i], bounds[i + 1]). */
  readonly bounds: Float64Array;
  readonly segments: readonly PlanSegment[];
}

/** What a plan is compiled from. */
export interface NightInputs {
  readonly zone: Zone;
  readonly classMinimum: number;
  readonly night: number;
  readonly switchOn: SwitchOn;
  readonly switchOff: SwitchOff;
  readonly match: CalendarMatch | null;
  readonly program: ControlProgram;
  /** Events and overrides of this zone (any time: those outside the night are dropped). */
  readonly events: readonly Span[];
  readonly overrides: readonly Span[];
  readonly sun: SunClock;
  readonly time: ZonedTime;
}

/** The local noon that starts a night. */
export function nightStart(time: ZonedTime, night: number): number {
  return time.instantOf(night, NOON);
}

/** Switch-on and switch-off of a night, or the reason there are none. */
function astroWindow(
  input: NightInputs,
  from: number,
  to: number,
): { on: number | null; off: number | null; polar: NightPlan['polar'] } {
  const { sun, night, switchOn, switchOff } = input;
  const onEvent = sun.event(night, switchOn.at);
  const offEvent = sun.event(night + 1, switchOff.at);
  let on = onEvent === null ? null : onEvent + switchOn.offsetMinutes * MINUTE_MS;
  let off = offEvent === null ? null : offEvent + switchOff.offsetMinutes * MINUTE_MS;
  let polar: NightPlan['polar'] = null;
  if (on === null || off === null) {
    // The sun does not cross the rule's altitude: near the poles, or a white night for civil
    // dusk. Dark all along if it stays below at midnight, no night if it stays above.
    const midnight = (from + to) / 2;
    const below = sun.altitudeAt(midnight) < SUN_EVENT_ALTITUDE[switchOn.at];
    polar = below ? 'dark' : 'no-night';
    if (!below) return { on: null, off: null, polar };
    on ??= from;
    off ??= to;
  }
  on = Math.max(on, from);
  off = Math.min(off, to);
  if (off <= on) return { on: null, off: null, polar: 'no-night' };
  return { on, off, polar };
}

/** The instant a step ends, unclamped; null for switch-off or a sun event that does not happen. */
function stepEndAt(end: StepEnd, input: NightInputs): number | null {
  switch (end.kind) {
    case 'switch-off':
      return null;
    case 'time':
      // Evening times are on the night's date, morning times on the next.
      return input.time.instantOf(end.minutes >= NOON ? input.night : input.night + 1, end.minutes);
    case 'sun': {
      const morning: readonly SunEvent[] = ['sunrise', 'civil-dawn'];
      const day = morning.includes(end.event) ? input.night + 1 : input.night;
      const at = input.sun.event(day, end.event);
      return at === null ? null : at + end.offsetMinutes * MINUTE_MS;
    }
  }
}

/** Compiles one zone's night. */
export function compileNight(input: NightInputs): NightPlan {
  const from = nightStart(input.time, input.night);
  const to = nightStart(input.time, input.night + 1);
  const { on, off, polar } = astroWindow(input, from, to);

  // Steps run back to back from switch-on; an end before the previous one empties the step.
  const steps = input.program.steps;
  const stepEnds: number[] = [];
  let cursor = on ?? from;
  const last = off ?? from;
  for (const step of steps) {
    const end = stepEndAt(step.until, input);
    cursor = Math.min(Math.max(end ?? last, cursor), Math.max(last, cursor));
    stepEnds.push(cursor);
  }
  if (stepEnds.length > 0) stepEnds[stepEnds.length - 1] = Math.max(last, on ?? from);

  const within = (t: number) => t > from && t < to;
  const events = input.events.filter((s) => s.to > from && s.from < to);
  const overrides = input.overrides.filter((s) => s.to > from && s.from < to);
  const cuts = new Set<number>([from, to]);
  for (const t of [on, off, ...stepEnds]) if (t !== null && within(t)) cuts.add(t);
  for (const s of [...events, ...overrides]) {
    for (const t of [s.from, s.fullFrom, s.fullTo, s.to]) if (within(t)) cuts.add(t);
  }
  const bounds = Float64Array.from([...cuts].sort((a, b) => a - b));

  const segments: PlanSegment[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i] ?? from;
    const b = bounds[i + 1] ?? to;
    const lit = on !== null && off !== null && a >= on && a < off;
    let step = -1;
    if (lit) {
      let start = on;
      for (let k = 0; k < stepEnds.length; k++) {
        const end = stepEnds[k] ?? start;
        if (a >= start && a < end) {
          step = k;
          break;
        }
        start = Math.max(start, end);
      }
    }
    const base = step >= 0 ? (steps[step]?.level ?? 0) : 0;
    const active = (s: Span) => s.from <= a && a < s.to;
    const segEvents = events.filter(active);
    const segOverrides = overrides.filter(active);
    const quiet = segEvents.length === 0 && segOverrides.length === 0;
    const fixed = !quiet ? -1 : base > 0 ? Math.max(base, input.classMinimum) : 0;
    const mode: LightingMode =
      segOverrides.length > 0
        ? 'override'
        : lit && segEvents.length > 0
          ? 'event'
          : lit
            ? 'program'
            : 'off';
    segments.push({
      from: a,
      to: b,
      lit,
      step,
      base,
      events: segEvents,
      overrides: segOverrides,
      fixed,
      weatherable: lit && base > 0,
      mode,
    });
  }

  return {
    zone: input.zone,
    classMinimum: input.classMinimum,
    night: input.night,
    from,
    to,
    switchOn: on,
    switchOff: off,
    switchOnRule: input.switchOn,
    switchOffRule: input.switchOff,
    polar,
    match: input.match,
    program: input.program,
    stepEnds,
    bounds,
    segments,
  };
}

/** The index of the segment holding `t` (which must be in the plan), from a starting guess. */
export function segmentAt(plan: NightPlan, t: number, guess = 0): number {
  const bounds = plan.bounds;
  const n = plan.segments.length;
  let i = guess >= 0 && guess < n ? guess : 0;
  // Time usually moves forward a little between two calls: walk; otherwise bisect.
  if ((bounds[i] ?? 0) <= t) {
    while (i + 1 < n && (bounds[i + 1] ?? 0) <= t) i++;
    return i;
  }
  let lo = 0;
  let hi = i;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((bounds[mid] ?? 0) <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
