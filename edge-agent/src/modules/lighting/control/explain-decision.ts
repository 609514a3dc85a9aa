import { composeLevel, type LevelTrace } from './compose-level.js';
import type { ProgramStep } from './control-program.js';
import type { LightingMode, NightPlan, PlanSegment } from './night-plan.js';
import { applyWeather, type WeatherEffect } from './weather-adjustment.js';
import type { ZonedTime } from './zoned-time.js';

// The reason trace of a decision, one line per stage, built only when asked (when the level
// changes, or the console asks): `astro: night (sunset 16:58 +0 min, until sunrise 08:39 +0
// min)`, `calendar: rule 'weekday' → program 'standard' step until 23:00 → 60 %`, `weather:
// fog → +20 %`, `event 'Fête' → 100 % until 01:00`, `class M4 minimum 30 %`.

const MINUTE_MS = 60_000;

/** Why a decision is a fail-safe one, and what it was based on. */
export interface FailsafeTrace {
  /** Why the clock is untrusted. */
  readonly reason: string;
  /** `night`: full light; `hold`: the last good decision; `sensor-day`: off; `unknown`: full light. */
  readonly cause: 'night' | 'schedule-day' | 'hold' | 'sensor-day' | 'unknown';
  readonly sensorDark: boolean | null;
  /** What the last known-good schedule says at the estimated time; null without an estimate. */
  readonly scheduleNight: boolean | null;
  readonly estimatedNow: number | null;
  readonly lastGood: {
    readonly level: number;
    readonly mode: LightingMode;
    readonly at: number;
  } | null;
}

/** What a trace is built from: a decision. */
export interface DecisionFacts {
  readonly level: number;
  readonly lit: boolean;
  readonly mode: LightingMode;
  readonly at: number;
  readonly plan: NightPlan;
  readonly segment: number;
  readonly weather: WeatherEffect | null;
  readonly failsafe: FailsafeTrace | null;
}

const offset = (minutes: number) => `${minutes < 0 ? '-' : '+'}${Math.abs(minutes)} min`;
const pct = (level: number) => (level > 0 ? `${level} %` : 'off');

function duration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / MINUTE_MS);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function astroLine(plan: NightPlan, seg: PlanSegment, t: number, hm: (t: number) => string) {
  const { switchOn: on, switchOff: off, switchOnRule: onRule, switchOffRule: offRule } = plan;
  if (on === null || off === null) return 'astro: no night (the sun stays up)';
  const onText =
    plan.polar === 'dark'
      ? 'the sun stays down'
      : `${onRule.at} ${hm(on - onRule.offsetMinutes * MINUTE_MS)} ${offset(onRule.offsetMinutes)}`;
  const offText = `${offRule.at} ${hm(off - offRule.offsetMinutes * MINUTE_MS)} ${offset(offRule.offsetMinutes)}`;
  if (seg.lit) return `astro: night (${onText}, until ${offText})`;
  if (t < on) return `astro: day (switch-on at ${hm(on)}: ${onText})`;
  return `astro: day (switched off at ${hm(off)}: ${offText})`;
}

function stepText(step: ProgramStep, end: number, hm: (t: number) => string): string {
  const until = step.until;
  switch (until.kind) {
    case 'time': {
      const configured = `${String(Math.floor(until.minutes / 60)).padStart(2, '0')}:${String(until.minutes % 60).padStart(2, '0')}`;
      const actual = hm(end);
      return actual === configured ? `until ${configured}` : `until ${configured} (ends ${actual})`;
    }
    case 'sun':
      return `until ${until.event} ${offset(until.offsetMinutes)} (${hm(end)})`;
    case 'switch-off':
      return `until switch-off (${hm(end)})`;
  }
}

function calendarLine(plan: NightPlan, seg: PlanSegment, hm: (t: number) => string): string {
  const match = plan.match;
  const chosen =
    match === null
      ? `no rule matches → ${plan.zone.defaultProgram !== undefined ? 'zone default' : 'default'}`
      : `rule '${match.rule.name}'${match.holiday === null ? '' : ` (${match.holiday})`} →`;
  const step = plan.program.steps[seg.step];
  const end = plan.stepEnds[seg.step];
  const detail =
    step === undefined || end === undefined
      ? ''
      : ` step ${stepText(step, end, hm)} → ${pct(seg.base)}`;
  return `calendar: ${chosen} program '${plan.program.id}'${detail}`;
}

function weatherLine(seg: PlanSegment, w: WeatherEffect, t: number): string {
  if (t > w.freshUntil) {
    return `weather: stale (observed ${duration(t - w.observedAt)} ago, limit ${w.staleMinutes} min) → ignored, program level`;
  }
  if (t < w.freshFrom) {
    return `weather: observed ${duration(w.observedAt - t)} ahead of the clock → ignored, program level`;
  }
  if (w.delta === 0) return `weather: ${w.label} → no change`;
  if (!seg.weatherable) return `weather: ${w.label} → no change (the program has the lamps off)`;
  const after = applyWeather(seg.base, w.delta);
  const bound = after === 100 ? ' (capped at 100 %)' : after === 1 ? ' (kept lit at 1 %)' : '';
  const moved = after !== seg.base + w.delta ? bound : '';
  return `weather: ${w.label} → ${w.delta > 0 ? '+' : ''}${w.delta} %${moved}`;
}

function failsafeLines(f: FailsafeTrace, hm: (t: number) => string): string[] {
  const lines = [`failsafe: clock untrusted (${f.reason})`];
  if (f.sensorDark !== null) lines.push(`light sensor: ${f.sensorDark ? 'dark' : 'daylight'}`);
  if (f.estimatedNow !== null && f.scheduleNight !== null) {
    lines.push(
      `last known-good schedule at ${hm(f.estimatedNow)} (extrapolated by the monotonic clock): ${f.scheduleNight ? 'night' : 'day'}`,
    );
  }
  switch (f.cause) {
    case 'night':
      lines.push('night → 100 %');
      break;
    case 'schedule-day':
      lines.push('day by the last known-good schedule → off');
      break;
    case 'hold':
      if (f.lastGood !== null) {
        const { level, mode, at } = f.lastGood;
        lines.push(
          `holding the last known-good decision: ${pct(level)} (${mode}, taken at ${hm(at)})`,
        );
      }
      break;
    case 'sensor-day':
      lines.push('no known-good decision, daylight → off');
      break;
    case 'unknown':
      lines.push('no known-good decision and no light sensor → 100 %');
      break;
  }
  return lines;
}

/** The reason trace of a decision. */
export function explainDecision(d: DecisionFacts, time: ZonedTime): string[] {
  const hm = (t: number) => time.formatHm(t);
  if (d.failsafe !== null) return failsafeLines(d.failsafe, hm);
  const plan = d.plan;
  const seg = plan.segments[d.segment];
  if (seg === undefined) return [];
  const lines = [astroLine(plan, seg, d.at, hm)];
  if (seg.lit) lines.push(calendarLine(plan, seg, hm));
  let delta = 0;
  if (d.weather !== null && seg.lit) {
    lines.push(weatherLine(seg, d.weather, d.at));
    if (d.at >= d.weather.freshFrom && d.at <= d.weather.freshUntil) delta = d.weather.delta;
  }
  const trace: LevelTrace = { lines, className: plan.zone.class, hm };
  composeLevel(seg, d.at, delta, plan.classMinimum, trace);
  return lines;
}
