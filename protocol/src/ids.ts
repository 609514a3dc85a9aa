import { z } from 'zod';

/**
 * One topic level's worth of identifier: lower-case letters, digits and dashes. It can never
 * contain `/`, `+`, `#` or `$`, so an id substituted into a topic template cannot change the
 * topic's shape or smuggle in a wildcard.
 */
export const SEGMENT_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

const segmentId = (what: string) =>
  z.string().regex(SEGMENT_PATTERN, {
    message: `${what} must be 1-40 lower-case letters, digits or inner dashes`,
  });

/** A site: one place in town with one edge agent box (the town hall lockers, the station...). */
export const SiteId = segmentId('site id');
export type SiteId = z.infer<typeof SiteId>;

/** A device: one edge agent identity at a site. */
export const DeviceId = segmentId('device id');
export type DeviceId = z.infer<typeof DeviceId>;

/** A telemetry stream name, e.g. `energy`, `outbox`, `lighting`. */
export const StreamName = segmentId('stream name');

/** An event type, e.g. `door-opened`, `code-rejected`, `lamp-failure`. */
export const EventType = segmentId('event type');

/** A command name, e.g. `unlock`, `override`, `resync`. */
export const CommandName = segmentId('command name');

/** What a device does; it decides which modules its agent runs. */
export const DeviceKind = z.enum(['locker', 'meters', 'lighting']);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** A service account name (no `/`, so it can never be mistaken for a device username). */
export const ServiceName = segmentId('service account name');
