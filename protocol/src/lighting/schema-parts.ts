import { z } from 'zod';
import { SEGMENT_PATTERN } from '../ids.js';
import { SUN_EVENTS } from './lighting-constants.js';

// The small zod pieces the lighting schemas share: ids, levels, instants, wall times, the
// zones a rule or an order applies to.

/** An id (zone, program, event, override): a topic segment, so it can name a topic. */
export const LightingId = (what: string) =>
  z.string().regex(SEGMENT_PATTERN, {
    error: `${what} must be 1-40 lower-case letters, digits or inner dashes`,
  });

/** A display name for the reason trace and the console. */
export const DisplayName = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(80, { error: `${what} must be at most 80 characters` });

/** A dimming level, percent of full light output: 0 is off. */
export const Level = z
  .int({ error: 'a level must be a whole percentage' })
  .min(0, { error: 'a level must be 0-100 %' })
  .max(100, { error: 'a level must be 0-100 %' });

/**
 * An instant: ms since the epoch, or an ISO 8601 date-time with `Z` or an offset
 * (`2026-07-11T19:00:00+02:00`). Parsed to ms.
 */
const INSTANT_ERROR = 'an instant: ms since the epoch or an ISO date-time with Z or an offset';
export const Instant = z
  .union(
    [
      z.int({ error: INSTANT_ERROR }).nonnegative({ error: INSTANT_ERROR }),
      // A bare local time would need the site's time zone to mean anything, and a schedule
      // must mean the same everywhere: `Z` or an offset is required.
      z.iso.datetime({ offset: true, local: false, error: INSTANT_ERROR }),
    ],
    { error: INSTANT_ERROR },
  )
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

/** Runs a cross-field check only when the fields themselves are valid. */
export const whenValid = {
  when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0,
};

/** `HH:MM` local wall time, parsed to minutes after midnight. */
export const TimeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a local time HH:MM, 00:00-23:59' })
  .transform((v) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5)));

/** The sun's events a rule can follow. */
export const SunEventSchema = z.enum(SUN_EVENTS, {
  error: `a sun event: ${SUN_EVENTS.join(', ')}`,
});

/** Minutes before (negative) or after (positive) a sun event. */
export const OffsetMinutes = (limit: number) =>
  z
    .int({ error: 'an offset in whole minutes' })
    .min(-limit, { error: `an offset within ±${limit} min` })
    .max(limit, { error: `an offset within ±${limit} min` })
    .default(0);

/** Which zones a rule, an event or an override applies to: `all`, or a list of zone ids. */
export const ZoneSelector = z.union(
  [z.literal('all'), z.array(LightingId('zone id')).min(1, { error: 'at least one zone id' })],
  { error: "'all' or a list of zone ids" },
);
export type ZoneSelector = z.infer<typeof ZoneSelector>;

/** Whether a selector names a zone. */
export function selectsZone(selector: ZoneSelector, zoneId: string): boolean {
  return selector === 'all' || selector.includes(zoneId);
}
