import { LOCKER_EVENTS, type LockerEventData, type LockerEventType } from '@hameau/protocol';
import type { z } from 'zod';
import { SEQ_FIELD, type Point } from '../../timeseries/point.js';
import type { IngestedOf } from '../ingested-message.js';
import { DERIVED_MEASUREMENTS } from './derived-measurements.js';

/** What an event's data adds to its point: bounded values as tags, quantities as fields. */
interface Detail {
  readonly tags?: Readonly<Record<string, string>>;
  readonly fields?: Readonly<Record<string, number>>;
}

const isLockerEvent = (type: string): type is LockerEventType => Object.hasOwn(LOCKER_EVENTS, type);

/** Reads one event type's data with its protocol schema; data that does not match adds nothing. */
function detail<T extends LockerEventType>(
  type: T,
  describe: (data: LockerEventData<T>) => Detail,
): (data: unknown) => Detail {
  const schema = LOCKER_EVENTS[type] as unknown as z.ZodType<LockerEventData<T>>;
  return (data) => {
    const parsed = schema.safeParse(data);
    return parsed.success ? describe(parsed.data) : {};
  };
}

/**
 * The data worth a chart. Tags only from the protocol's enums (how a door was opened, why a code
 * was refused), so the number of series stays bounded.
 */
const DETAILS: Partial<Record<LockerEventType, (data: unknown) => Detail>> = {
  'door-opened': detail('door-opened', (d) => ({ tags: { by: d.by } })),
  'code-rejected': detail('code-rejected', (d) => ({ tags: { reason: d.reason } })),
  'terminal-locked-out': detail('terminal-locked-out', (d) => ({
    fields: { failures: d.failures },
  })),
  'door-left-open': detail('door-left-open', (d) => ({ fields: { open_s: d.openSeconds } })),
};

/**
 * The `locker_event` point of a locker event, or null for any other event type: `count` = 1 (so
 * `sum("count")` per day is pickups, drop-offs, forced doors… per day) and `seq`, tagged by site,
 * device (the bank: one agent drives one bank), event `type` and `subject` (the box, terminal or
 * board the event is about), at the event's time.
 *
 * The subject keeps simultaneous events apart: two doors closed between two polls of a lock
 * board get the same millisecond, and a point is identified by its series and time, so without
 * it the second would overwrite the first. An event whose data does not match its schema still
 * counts (it happened); it only adds no detail.
 */
export function lockerEventToPoint(message: IngestedOf<'event'>): Point | null {
  const { type, payload } = message;
  if (!isLockerEvent(type)) return null;
  const detailOf = DETAILS[type];
  const extra = detailOf === undefined ? {} : detailOf(payload.data);
  return {
    measurement: DERIVED_MEASUREMENTS.lockerEvent,
    tags: {
      site: message.site,
      device: message.device,
      type,
      ...(payload.subject !== undefined && { subject: payload.subject }),
      ...extra.tags,
    },
    fields: { count: 1, ...extra.fields, [SEQ_FIELD]: payload.seq },
    time: Date.parse(payload.at),
  };
}
