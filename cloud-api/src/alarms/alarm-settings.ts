import { z } from 'zod';

/** A week: a threshold past it is a typo, not a policy. */
const MAX_MINUTES = 7 * 24 * 60;

/** Thresholds of the cloud's alarm rules, in minutes (fractions allowed). */
export const AlarmSettings = z
  .object({
    /** A device whose status says offline for longer than this raises `device_offline`. */
    offlineAfterMinutes: z.number().positive().max(MAX_MINUTES).default(10),
    /** An online device whose oldest outbox message is older than this raises `outbox_backlog`. */
    backlogAfterMinutes: z.number().positive().max(MAX_MINUTES).default(30),
  })
  .strict();
export type AlarmSettings = z.output<typeof AlarmSettings>;
export type AlarmSettingsInput = z.input<typeof AlarmSettings>;

/** The thresholds when none are configured. */
export const DEFAULT_ALARM_SETTINGS: AlarmSettings = Object.freeze(AlarmSettings.parse({}));
