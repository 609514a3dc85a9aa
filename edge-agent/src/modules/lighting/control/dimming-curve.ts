import type { DimmingPoint } from '@hameau/protocol';

// The curve's schema and default are configuration (@hameau/protocol); reading power off a curve
// is the controller's.
export { DEFAULT_DIMMING_CURVE, DimmingCurveSchema, type DimmingPoint } from '@hameau/protocol';

/**
 * The fraction of rated power (0–1) drawn at a level: 0 when off, linear between the points,
 * the first point's value below it.
 */
export function powerFraction(curve: readonly DimmingPoint[], level: number): number {
  if (level <= 0) return 0;
  let previous: DimmingPoint | undefined;
  for (const point of curve) {
    if (level <= point.level) {
      if (previous === undefined) return point.powerPct / 100;
      const t = (level - previous.level) / (point.level - previous.level);
      return (previous.powerPct + t * (point.powerPct - previous.powerPct)) / 100;
    }
    previous = point;
  }
  return (previous?.powerPct ?? 100) / 100;
}
