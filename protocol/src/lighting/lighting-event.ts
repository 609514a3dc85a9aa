import { z } from 'zod';
import {
  DisplayName,
  Instant,
  Level,
  LightingId,
  whenValid,
  ZoneSelector,
} from './schema-parts.js';

/**
 * An event of the town's schedule: its zones at `level` from `start` to `end`, ramping from
 * the program's level over `rampMinutes` before `start` and back over `rampMinutes` after
 * `end`. Events act only while the astronomical clock says it is night; where several
 * overlap, the highest level wins (more light is the safe side). An event replaces the
 * program's level, up or down (a star-watching night may dim), but never below a level that
 * fog or heavy rain raised.
 */
export const LightingEventSchema = z
  .strictObject({
    id: LightingId('event id'),
    /** Names the event in the reason trace: `event 'Fête' → 100 % until 01:00`. */
    name: DisplayName('an event name'),
    zones: ZoneSelector,
    start: Instant,
    end: Instant,
    level: Level,
    rampMinutes: z
      .int({ error: 'rampMinutes: whole minutes' })
      .min(0, { error: 'rampMinutes: 0-120' })
      .max(120, { error: 'rampMinutes: 0-120' })
      .default(0),
  })
  .refine((e) => e.end > e.start, {
    error: 'an event must end after it starts',
    path: ['end'],
    ...whenValid,
  });
export type LightingEvent = z.output<typeof LightingEventSchema>;
