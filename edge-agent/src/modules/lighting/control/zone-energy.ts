import { composeLevel } from './compose-level.js';
import { powerFraction, type DimmingPoint } from './dimming-curve.js';
import type { LampGroup } from './lighting-control-config.js';
import type { NightPlan } from './night-plan.js';

// What a zone draws, and what a night's program saves against leaving it at 100 % from
// switch-on to switch-off (the baseline of a town without dimming).

const HOUR_MS = 3_600_000;

/** A zone's expected power at a level, W: Σ lamps × rated W × curve(level), standby when off. */
export function zonePowerW(
  lamps: readonly LampGroup[],
  level: number,
  curve: readonly DimmingPoint[],
): number {
  const fraction = powerFraction(curve, level);
  let watts = 0;
  for (const lamp of lamps) {
    watts += lamp.count * (level > 0 ? lamp.ratedW * fraction : lamp.standbyW);
  }
  return watts;
}

/** A night's energy and its savings against all night at 100 %. */
export interface NightEnergy {
  /** All night at 100 % from switch-on to switch-off, Wh (standby outside it). */
  readonly baselineWh: number;
  /** What the plan draws from noon to noon, Wh (weather aside). */
  readonly plannedWh: number;
  readonly savedWh: number;
  /** Savings as a percentage of the baseline (0 when the baseline is 0). */
  readonly savedPct: number;
  /** Hours the plan keeps the zone lit. */
  readonly litHours: number;
}

/**
 * Integrates a zone's compiled night: exactly over constant stretches, by `stepMs` samples
 * over ramps. The weather is left out: it cannot be planned.
 */
export function nightEnergy(
  plan: NightPlan,
  curve: readonly DimmingPoint[],
  stepMs = 60_000,
): NightEnergy {
  const lamps = plan.zone.lamps;
  const standbyW = zonePowerW(lamps, 0, curve);
  const window = plan.to - plan.from;
  const night =
    plan.switchOn === null || plan.switchOff === null ? 0 : plan.switchOff - plan.switchOn;
  const baselineWh =
    (zonePowerW(lamps, 100, curve) * night + standbyW * (window - night)) / HOUR_MS;

  let plannedWh = 0;
  let litMs = 0;
  for (const seg of plan.segments) {
    const ramps = [...seg.events, ...seg.overrides].some((s) => s.rampMs > 0);
    const length = seg.to - seg.from;
    const step = ramps ? Math.min(stepMs, length) : length;
    for (let t = seg.from; t < seg.to; t += step) {
      const span = Math.min(step, seg.to - t);
      const level = composeLevel(seg, t + span / 2, 0, plan.classMinimum, null);
      plannedWh += (zonePowerW(lamps, level, curve) * span) / HOUR_MS;
      if (level > 0) litMs += span;
    }
  }
  const savedWh = baselineWh - plannedWh;
  return {
    baselineWh,
    plannedWh,
    savedWh,
    savedPct: baselineWh > 0 ? (100 * savedWh) / baselineWh : 0,
    litHours: litMs / HOUR_MS,
  };
}
