import { z } from 'zod';

/** One point of a dimming curve: at `level` % light output, the lamp draws `powerPct` % of its rated power. */
export interface DimmingPoint {
  readonly level: number;
  readonly powerPct: number;
}

/**
 * A typical constant-current LED driver: about 10 % of rated power at 1 % output (its own
 * electronics, and a poorer efficiency at light load), 15 % at 10 %, then proportional up to
 * 100 %. Above 10 % it is the lamp-node simulator's curve (docs/lamp-node.md), so the energy the
 * controller expects and what the simulated meters measure agree. Level 0 is off (the driver's
 * standby is the lamp's `standbyW`). A driver's measured curve replaces it in `dimmingCurve`.
 */
export const DEFAULT_DIMMING_CURVE: readonly DimmingPoint[] = [
  { level: 1, powerPct: 10 },
  { level: 10, powerPct: 15 },
  { level: 100, powerPct: 100 },
];

const Point = z.strictObject({
  level: z
    .number({ error: 'a curve point level: 1-100 (0 is off)' })
    .min(1, { error: 'a curve point level: 1-100 (0 is off)' })
    .max(100, { error: 'a curve point level: 1-100 (0 is off)' }),
  powerPct: z
    .number({ error: 'powerPct: 0-100 % of rated power' })
    .min(0, { error: 'powerPct: 0-100 % of rated power' })
    .max(100, { error: 'powerPct: 0-100 % of rated power' }),
});

/** A dimming curve: points in increasing level order, the last at level 100. */
export const DimmingCurveSchema = z
  .array(Point)
  .min(1, { error: 'a dimming curve needs at least one point' })
  .superRefine((points, ctx) => {
    points.forEach((p, i) => {
      const before = points[i - 1];
      if (before !== undefined && p.level <= before.level) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'level'],
          message: 'curve points must be in increasing level order',
        });
      }
    });
    if (points.at(-1)?.level !== 100) {
      ctx.addIssue({ code: 'custom', message: 'the last curve point must be at level 100' });
    }
  })
  .default(DEFAULT_DIMMING_CURVE.map((p) => ({ ...p })));
