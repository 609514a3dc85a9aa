import { rampFactor, type PlanSegment, type Span } from './night-plan.js';
import { applyWeather } from './weather-adjustment.js';

// The level of a segment at an instant, in the decision order: the program step, the weather,
// the events (the highest wins, never under a fog or rain raise), the overrides (each replaces
// what is under it, in issue order: the last issued wins), then the class minimum while lit.
// One function for the decision and its trace, so the two cannot disagree.

/** Where the composition writes its reasons, and how it writes times. */
export interface LevelTrace {
  readonly lines: string[];
  readonly className: string;
  /** `HH:MM` local time of an instant. */
  hm(t: number): string;
}

const pct = (level: number) => (level > 0 ? `${Math.round(level)} %` : 'off');

function spanLine(span: Span, t: number, mixed: number, trace: LevelTrace): string {
  const what = span.kind === 'event' ? `event '${span.name}'` : `override '${span.id}'`;
  const issued = span.kind === 'override' ? `, issued ${trace.hm(span.issuedAt)}` : '';
  if (t < span.fullFrom) {
    return `${what} ramping in → ${pct(mixed)} (${pct(span.level)} from ${trace.hm(span.fullFrom)}${issued})`;
  }
  if (t >= span.fullTo) {
    const ended = span.kind === 'event' ? 'ended' : 'expired';
    return `${what} ramping out → ${pct(mixed)} (${ended} ${trace.hm(span.fullTo)}${issued})`;
  }
  return `${what} → ${pct(span.level)} until ${trace.hm(span.fullTo)}${issued ? ` (${issued.slice(2)})` : ''}`;
}

/** The level (0–100 integer) of a segment at `t`, the weather moving lit program levels by `delta`. */
export function composeLevel(
  seg: PlanSegment,
  t: number,
  delta: number,
  classMinimum: number,
  trace: LevelTrace | null,
): number {
  let level = seg.weatherable ? applyWeather(seg.base, delta) : seg.base;
  const floor = seg.weatherable && delta > 0 ? level : 0;

  if (seg.events.length > 0) {
    if (!seg.lit) {
      for (const span of seg.events) trace?.lines.push(`event '${span.name}' → not applied by day`);
    } else {
      let best = -1;
      for (const span of seg.events) {
        const mixed = level + (span.level - level) * rampFactor(span, t);
        if (mixed > best) best = mixed;
        if (trace !== null) trace.lines.push(spanLine(span, t, mixed, trace));
      }
      if (trace !== null && seg.events.length > 1) {
        trace.lines.push(`events overlap: the highest wins → ${pct(best)}`);
      }
      if (trace !== null && best < floor) {
        trace.lines.push(`event held at ${pct(floor)}: it may not dim under the weather raise`);
      }
      level = Math.max(best, floor);
    }
  }

  const overrides = seg.overrides;
  for (let i = 0; i < overrides.length; i++) {
    const span = overrides[i];
    if (span === undefined) continue;
    level += (span.level - level) * rampFactor(span, t);
    if (trace === null) continue;
    const later = overrides.slice(i + 1).find((o) => rampFactor(o, t) === 1);
    trace.lines.push(
      later === undefined
        ? spanLine(span, t, level, trace)
        : `override '${span.id}' (issued ${trace.hm(span.issuedAt)}) superseded by '${later.id}' (issued ${trace.hm(later.issuedAt)})`,
    );
  }

  level = Math.round(level);
  if (level > 0) {
    if (level < classMinimum) {
      trace?.lines.push(
        `class ${trace.className} minimum ${classMinimum} % (raised from ${level} %)`,
      );
      level = classMinimum;
    } else {
      trace?.lines.push(`class ${trace.className} minimum ${classMinimum} %`);
    }
  }
  return level;
}
