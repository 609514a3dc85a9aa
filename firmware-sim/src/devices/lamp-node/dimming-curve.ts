import { z } from 'zod';

/** One point of a dimming curve: at `level` % the lamp draws `power` % of its rated power. */
export interface CurvePoint {
  readonly level: number;
  readonly power: number;
}

/**
 * A typical LED driver: no light, no power; 15 % of the rated power at 10 % (the driver's own
 * losses weigh more at low levels); then linear up to 100 %.
 */
export const TYPICAL_LED_CURVE: readonly CurvePoint[] = Object.freeze([
  { level: 0, power: 0 },
  { level: 10, power: 15 },
  { level: 100, power: 100 },
]);

const Percent = z.number().min(0).max(100);

/**
 * A dimming curve as a points table, interpolated linearly: from level 0 to level 100, levels
 * strictly increasing and power never decreasing (a lamp never draws less when brighter).
 */
export const DimmingCurve = z
  .array(z.object({ level: Percent, power: Percent }).strict())
  .min(2, 'needs at least two points (level 0 and level 100)')
  .superRefine((points, ctx) => {
    if (points[0]?.level !== 0) {
      ctx.addIssue({ code: 'custom', path: [0, 'level'], message: 'the first point is level 0' });
    }
    if (points[points.length - 1]?.level !== 100) {
      ctx.addIssue({
        code: 'custom',
        path: [points.length - 1, 'level'],
        message: 'the last point is level 100',
      });
    }
    points.forEach((point, index) => {
      const before = points[index - 1];
      if (before === undefined) return;
      if (point.level <= before.level) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'level'],
          message: `levels must increase (${before.level} then ${point.level})`,
        });
      }
      if (point.power < before.power) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'power'],
          message: `power must not decrease (${before.power} then ${point.power})`,
        });
      }
    });
  });

/** The share of the rated power, in %, drawn at `level` % (clamped to 0-100). */
export function curvePower(curve: readonly CurvePoint[], level: number): number {
  const at = Math.min(100, Math.max(0, level));
  for (let i = 1; i < curve.length; i++) {
    const low = curve[i - 1];
    const high = curve[i];
    if (low === undefined || high === undefined || at > high.level) continue;
    const span = high.level - low.level;
    return span === 0
      ? high.power
      : low.power + ((at - low.level) * (high.power - low.power)) / span;
  }
  return curve[curve.length - 1]?.power ?? 0;
}
