import type { LightingDecision } from './control/index.js';

// When the next decision is due. The minute is the floor; a zone's compiled night says when its
// schedule changes next (a switch-on at 17:19:23, a step at 23:00, an override's end), so the
// lamps change then and not up to a minute later; a ramp moves the level continuously, so it
// is followed in short steps (the nodes apply a level at once: a ramp is as smooth as its steps).

/** How often a decision is taken while an event or an override ramps. */
export const RAMP_STEP_MS = 10_000;

/** Whether a decision sits in an event's or an override's ramp (its level moves with time). */
export function isRamping(decision: LightingDecision): boolean {
  const t = decision.at;
  const seg = decision.plan.segments[decision.segment];
  if (seg === undefined || decision.mode === 'failsafe') return false;
  return [...seg.events, ...seg.overrides].some(
    (s) => s.rampMs > 0 && t >= s.from && t < s.to && (t < s.fullFrom || t >= s.fullTo),
  );
}

/**
 * The wall time of the next decision after the `decisions` just taken: the next multiple of
 * the period, or earlier for a plan boundary or a ramp step. Plans are wall-time schedules:
 * only the period counts while the clock is not trusted. A boundary the cycle's own I/O ran
 * past is due at once.
 */
export function nextDecisionAt(
  decisions: Iterable<LightingDecision>,
  wall: number,
  periodMs: number,
  trusted: boolean,
): number {
  let next = (Math.floor(wall / periodMs) + 1) * periodMs;
  if (!trusted) return next;
  for (const decision of decisions) {
    if (decision.mode === 'failsafe') continue;
    const bound = decision.plan.bounds[decision.segment + 1] ?? decision.plan.to;
    if (bound > decision.at) next = Math.min(next, bound);
    if (isRamping(decision)) next = Math.min(next, decision.at + Math.min(RAMP_STEP_MS, periodMs));
  }
  return next;
}
