import { z } from 'zod';
import { BUCKET_MS, bucketStart } from './resolution.js';
import { RESOLUTIONS, type Resolution } from './time-series-store.js';

/** Days to keep; `null` keeps forever. */
const Days = z.number().positive().nullable();

/**
 * How long the embedded store keeps each resolution, in days (`null`: forever). Each resolution
 * must be kept at least as long as the finer ones, so a coarser table always covers what a finer
 * one dropped.
 */
export const RetentionConfig = z
  .object({
    raw: Days.default(7),
    '1m': Days.default(30),
    '15m': Days.default(400),
    '1h': Days.default(null),
    '1d': Days.default(null),
  })
  .strict()
  .superRefine((r, ctx) => {
    for (let i = 1; i < RESOLUTIONS.length; i++) {
      const finer = RESOLUTIONS[i - 1] as Resolution;
      const coarser = RESOLUTIONS[i] as Resolution;
      const a = r[finer];
      const b = r[coarser];
      if (b !== null && (a === null || a > b)) {
        ctx.addIssue({
          code: 'custom',
          path: [coarser],
          message: `must keep at least as long as ${finer} (${a === null ? 'forever' : `${a} days`})`,
        });
      }
    }
  });
export type Retention = Readonly<z.output<typeof RetentionConfig>>;
export type RetentionInput = z.input<typeof RetentionConfig>;

/** The default retention: raw 7 days, 1 min 30 days, 15 min 400 days, 1 h and 1 day forever. */
export const DEFAULT_RETENTION: Retention = Object.freeze(RetentionConfig.parse({}));

/**
 * Rows of `resolution` older than this are dropped at `now` (null: nothing is). The cut falls on
 * a UTC day boundary, so every bucket of every resolution is kept or dropped whole: a rollup can
 * then always be recomputed from the complete rows of the next finer resolution.
 */
export function retentionCutoff(
  retention: Retention,
  resolution: Resolution,
  now: number,
): number | null {
  const days = retention[resolution];
  if (days === null) return null;
  return bucketStart(now - days * BUCKET_MS['1d'], BUCKET_MS['1d']);
}
