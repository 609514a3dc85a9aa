import { z } from 'zod';
import { DeviceKind } from '../ids.js';
import { Timestamp } from './common.js';

/**
 * Birth and will. The agent publishes `online` (retained) after every connect and registers an
 * `offline` will with the same session number, so a stale will can never hide a newer birth.
 */
export const StatusPayload = z
  .object({
    state: z.enum(['online', 'offline']),
    /** Increments at every connect of this device; survives restarts. */
    session: z.number().int().min(0),
    at: Timestamp,
    kind: DeviceKind,
    /** Agent software version, e.g. `0.1.0`. */
    version: z.string().min(1).max(64).optional(),
    /** Why the device went offline: `will` (connection lost) or `shutdown` (clean stop). */
    reason: z.enum(['will', 'shutdown']).optional(),
  })
  .strict();
export type StatusPayload = z.infer<typeof StatusPayload>;
