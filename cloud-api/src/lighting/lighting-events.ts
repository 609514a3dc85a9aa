import { z } from 'zod';
import { Level, LightingId } from '@hameau/protocol';

// The `data` of the lighting controller's events the cloud keeps. Read leniently: fields the
// cloud does not use are dropped, so the agent may add some without breaking ingestion. The
// zone is `data.zone`, or the event's `subject` (the protocol's place for "what it is about").

/** The lighting events the cloud keeps, by event type. */
export const LIGHTING_EVENT_TYPES = ['level-changed', 'night-summary'] as const;
export type LightingEventType = (typeof LIGHTING_EVENT_TYPES)[number];

/** A zone's level changed: the new level, the mode that set it and the reason trace. */
export const LevelChangedData = z.object({
  zone: LightingId('zone id').optional(),
  level: Level,
  /** `off`, `program`, `event`, `override`, `failsafe` today; kept as sent. */
  mode: z.string().min(1).max(40),
  reasons: z.array(z.string().max(500)).max(50),
});
export type LevelChangedData = z.output<typeof LevelChangedData>;

const NIGHT = /^\d{4}-\d{2}-\d{2}$/;
const nonNegative = (what: string) =>
  z.number({ error: `${what}: a number` }).nonnegative({ error: `${what}: 0 or more` });

/**
 * A zone's night, summed up once it is over: the energy it drew against the same night at full
 * power (`baselineWh`), hence the savings, how long it was lit and its lowest lit level.
 */
export const NightSummaryData = z.object({
  zone: LightingId('zone id').optional(),
  /** The local date the night starts on. */
  night: z.string().regex(NIGHT, { error: 'night: a date YYYY-MM-DD' }),
  energyWh: nonNegative('energyWh'),
  baselineWh: nonNegative('baselineWh'),
  savingsPct: z.number().min(-1000).max(100),
  litHours: nonNegative('litHours').max(24),
  minLevel: Level.nullable().default(null),
});
export type NightSummaryData = z.output<typeof NightSummaryData>;
