import { z } from 'zod';
import { Instant, Level, LightingId, whenValid, ZoneSelector } from './schema-parts.js';

/**
 * A manual order from a technician or the cloud: its zones at `level` from `start` (default:
 * when issued) until `expiresAt`, by day too (a lamp test). It ramps from the level it
 * replaces over `rampSeconds` after `start`, and back to the schedule over `rampSeconds` after
 * `expiresAt`. Where several are in force, the last issued wins. Level 0 switches off.
 */
export const LightingOverrideSchema = z
  .strictObject({
    id: LightingId('override id'),
    zones: ZoneSelector,
    level: Level,
    start: Instant.optional(),
    expiresAt: Instant,
    rampSeconds: z
      .int({ error: 'rampSeconds: whole seconds' })
      .min(0, { error: 'rampSeconds: 0-3600' })
      .max(3600, { error: 'rampSeconds: 0-3600' })
      .default(0),
    issuedAt: Instant,
  })
  .transform(({ start, ...o }) => ({ ...o, start: start ?? o.issuedAt }))
  .refine((o) => o.expiresAt > o.start, {
    error: 'an override must expire after it starts',
    path: ['expiresAt'],
    ...whenValid,
  });
export type LightingOverride = z.output<typeof LightingOverrideSchema>;
