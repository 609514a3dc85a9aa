import { z } from 'zod';
import { DeviceId, SiteId } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime } from '../http/common-schemas.js';
import {
  AlarmNote,
  AlarmSeverity,
  AlarmSource,
  AlarmState,
  type Alarm,
  type AlarmAction,
} from './alarm.js';

export const AlarmParams = z
  .object({ id: z.coerce.number().int().positive().describe('The alarm id') })
  .strict();

export const ListAlarmsQuery = z
  .object({
    state: z
      .enum(['active', 'open', 'acknowledged', 'resolved'])
      .optional()
      .describe('`active` is open or acknowledged; all states when absent'),
    site: SiteId.optional(),
    device: DeviceId.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** Optional: a request without a body (fastify sees `null`) is the same as `{}`. */
export const AlarmActionBody = z
  .object({ note: AlarmNote.optional().describe('Recorded with the alarm and in the audit log') })
  .strict()
  .nullish();

const AlarmActionView = z
  .object({ by: z.string(), at: IsoTime, note: z.string().nullable() })
  .strict()
  .describe('Who did it (a token name, or `system` for a rule), when, and their note');

export const AlarmView = z
  .object({
    id: z.number().int(),
    site: SiteId,
    device: DeviceId,
    type: z.string().describe('The event type (`door-forced`) or the rule (`device_offline`)'),
    subject: z.string().nullable().describe('A box, a meter, a zone; null for the whole device'),
    severity: AlarmSeverity,
    state: AlarmState,
    source: AlarmSource,
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    occurrences: z.number().int().describe('How many times it was raised while active'),
    firstRaisedAt: IsoTime,
    lastRaisedAt: IsoTime,
    acknowledged: AlarmActionView.nullable(),
    resolved: AlarmActionView.nullable(),
  })
  .strict()
  .register(apiSchemas, { id: 'Alarm' });

export const AlarmList = z.object({ alarms: z.array(AlarmView) }).strict();

/** An alarm as the API shows it. */
export function alarmView(a: Alarm): z.output<typeof AlarmView> {
  return {
    ...a,
    details: { ...a.details },
    firstRaisedAt: isoTime(a.firstRaisedAt),
    lastRaisedAt: isoTime(a.lastRaisedAt),
    acknowledged: a.acknowledged && actionView(a.acknowledged),
    resolved: a.resolved && actionView(a.resolved),
  };
}

function actionView(a: AlarmAction): z.output<typeof AlarmActionView> {
  return { by: a.by, at: isoTime(a.at), note: a.note };
}
