import { z } from 'zod';
import { DeviceId, SiteId } from '@hameau/protocol';

/** How urgent an alarm is; an event of severity `info` raises none. */
export const AlarmSeverity = z.enum(['warning', 'alarm']);
export type AlarmSeverity = z.infer<typeof AlarmSeverity>;

/** `open → acknowledged → resolved`, or `open → resolved`. Open and acknowledged are active. */
export const AlarmState = z.enum(['open', 'acknowledged', 'resolved']);
export type AlarmState = z.infer<typeof AlarmState>;

/** What raised an alarm: a device event, or a rule the cloud evaluates on its own data. */
export const AlarmSource = z.enum(['event', 'rule']);
export type AlarmSource = z.infer<typeof AlarmSource>;

/**
 * An alarm type: a device event type (`door-forced`, kebab-case like every topic segment) or a
 * cloud rule (`device_offline`, snake_case, so a rule can never collide with an event type).
 */
export const AlarmType = z.string().regex(/^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/, {
  message: 'alarm type must be 1-64 lower-case letters, digits, dashes or underscores',
});

/** What an alarm is about, beyond its device: a box, a meter, a zone. */
export const AlarmSubject = z.string().min(1).max(64);

/** Who may close an alarm, and why: a token's name, or `system` when a rule cleared it. */
export const AlarmActor = z.string().min(1).max(100);

/** An optional remark on an acknowledgement or a resolution. */
export const AlarmNote = z.string().max(500);

/** The identity of an active alarm: at most one is active per key. */
export const AlarmKey = z
  .object({ site: SiteId, device: DeviceId, type: AlarmType, subject: AlarmSubject.optional() })
  .strict();
export type AlarmKey = z.input<typeof AlarmKey>;

/** The actor of what the cloud does by itself (a rule raising or clearing an alarm). */
export const SYSTEM_ACTOR = 'system';

/** Who acknowledged or resolved an alarm, when, and with what note. */
export interface AlarmAction {
  readonly by: string;
  readonly at: number;
  readonly note: string | null;
}

/** An alarm as services and routes see it; times are ms since the epoch. */
export interface Alarm {
  readonly id: number;
  readonly site: string;
  readonly device: string;
  readonly type: string;
  /** Null when the alarm is about the device as a whole. */
  readonly subject: string | null;
  readonly severity: AlarmSeverity;
  readonly state: AlarmState;
  readonly source: AlarmSource;
  readonly message: string;
  readonly details: Record<string, unknown>;
  readonly occurrences: number;
  readonly firstRaisedAt: number;
  readonly lastRaisedAt: number;
  readonly acknowledged: AlarmAction | null;
  readonly resolved: AlarmAction | null;
}
