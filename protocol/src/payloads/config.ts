import { z } from 'zod';
import { Timestamp } from './common.js';

/**
 * Desired configuration, retained so a device that (re)connects gets the latest at once. The
 * device applies a version only if it is newer than the one it runs.
 */
export const DesiredConfigPayload = z
  .object({
    version: z.number().int().min(1),
    issuedAt: Timestamp,
    config: z.record(z.string(), z.unknown()),
  })
  .strict();
export type DesiredConfigPayload = z.infer<typeof DesiredConfigPayload>;

/** What the device actually runs, retained, so the cloud can see drift at a glance. */
export const ReportedStatePayload = z
  .object({
    at: Timestamp,
    /** The desired config version in force; null before any has been received. */
    configVersion: z.number().int().min(1).nullable(),
    /** Set when the last desired version was refused, with the reason. */
    rejected: z
      .object({ version: z.number().int().min(1), reason: z.string().max(1000) })
      .strict()
      .optional(),
    modules: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict();
export type ReportedStatePayload = z.infer<typeof ReportedStatePayload>;
