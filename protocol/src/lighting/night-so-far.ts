import { z } from 'zod';
import { Timestamp } from '../payloads/common.js';
import { Level } from './schema-parts.js';

// The night in progress, as a lighting controller reports it with a zone's `lighting`
// telemetry: the same figures as the `night-summary` event it sends at switch-off, so far. The
// public dashboard shows tonight's savings from it instead of waiting for the morning.

const nonNegative = (what: string) =>
  z.number({ error: `${what}: a number` }).nonnegative({ error: `${what}: 0 or more` });

/**
 * One zone's night so far: from switch-on (`since`) to the report's `at`, over the part of it
 * the agent ran (`coveredHours`). The figures only grow through the night; the last report of
 * the night, sent at switch-off, carries the same figures as the night's summary.
 */
export const NightSoFar = z
  .object({
    /** The local date the night starts on, as in the night summary. */
    night: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'night: a date YYYY-MM-DD' }),
    /** The night's switch-on (null when the astronomical clock gave none). */
    since: Timestamp.nullable(),
    /** The switch-off planned for the night's end. */
    until: Timestamp.nullable(),
    /** What the lamps drew at the levels set (dimming curve × the zone's lamps), Wh. */
    energyWh: nonNegative('energyWh'),
    /** The same lamps at 100 % over the same time, Wh. */
    baselineWh: nonNegative('baselineWh'),
    /** `100 × (baseline − energy) / baseline`; 0 while the baseline is 0. */
    savingsPct: z.number().min(-1000).max(100),
    litHours: nonNegative('litHours').max(24),
    /** The lowest level set so far (0: part-night off); null before any. */
    minLevel: Level.nullable(),
    /** Hours of the night so far that the agent ran (a restart's gap is not counted). */
    coveredHours: nonNegative('coveredHours').max(24),
  })
  .strict();
export type NightSoFar = z.infer<typeof NightSoFar>;
