import { z } from 'zod';

/**
 * What a faulty device does to requests:
 * - `silent`: reads requests and never answers (a hung board, a cut RX line);
 * - `garbage`: answers every request with random bytes (noise, a baud-rate mismatch);
 * - `disconnect`: closes every connection, and closes new ones at once while it lasts.
 */
export const FaultMode = z.enum(['silent', 'garbage', 'disconnect']);
export type FaultMode = z.infer<typeof FaultMode>;

const Milliseconds = z.number().int().min(0).max(2_147_483_647);

/** A fault injected now; without `durationMs` it lasts until cleared. */
export const Fault = z
  .object({
    mode: FaultMode,
    /** How long the fault lasts, on the device's clock. 0 gives a disconnect that is one-shot. */
    durationMs: Milliseconds.optional(),
  })
  .strict();
export type Fault = z.infer<typeof Fault>;

/** A fault in a scenario file, injected `atMs` after the device starts. */
export const ScheduledFault = Fault.extend({ atMs: Milliseconds }).strict();
export type ScheduledFault = z.infer<typeof ScheduledFault>;

/** The `faults:` list of a scenario entry, for device types that support fault injection. */
export const FaultPlan = z.array(ScheduledFault).default([]);
