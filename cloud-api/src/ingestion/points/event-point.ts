import type { Point } from '../../timeseries/point.js';
import type { IngestedOf } from '../ingested-message.js';
import { lightingEventToPoint } from './lighting-event-point.js';
import { lockerEventToPoint } from './locker-event-point.js';

/**
 * The series point of an event, for the event types a chart needs (locker events, lighting
 * level changes and night summaries); null for the others, which stay in the API's database.
 */
export function eventToPoint(message: IngestedOf<'event'>): Point | null {
  return lockerEventToPoint(message) ?? lightingEventToPoint(message);
}
