import { z } from 'zod';
import { IsoTime, isoTime } from '../http/common-schemas.js';
import type { AuditEntry } from './audit-store.js';

export const AuditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .describe('Return entries older than this id (the `next` of a previous page)'),
  })
  .strict();

export const AuditEntryView = z
  .object({
    id: z.number().int(),
    at: IsoTime,
    actor: z.string().describe('The name of the token that acted, or `system`'),
    action: z.string(),
    subject: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .strict();

export const AuditPage = z
  .object({
    entries: z.array(AuditEntryView),
    next: z
      .number()
      .int()
      .nullable()
      .describe('Pass as `before` for the next page; null at the end'),
  })
  .strict();

export function auditEntryView(e: AuditEntry): z.output<typeof AuditEntryView> {
  return { ...e, at: isoTime(e.at) };
}
