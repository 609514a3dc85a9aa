import { z } from 'zod';
import { OutboxEnvelope } from './common.js';

export const Severity = z.enum(['info', 'warning', 'alarm']);
export type Severity = z.infer<typeof Severity>;

/** Something that happened once: a door opened, a code was rejected, a lamp failed. */
export const EventPayload = z
  .object({
    ...OutboxEnvelope,
    severity: Severity,
    /** What the event is about: a box number, a meter id, a zone id. */
    subject: z.string().min(1).max(64).optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type EventPayload = z.infer<typeof EventPayload>;
