import type { Point } from '../../timeseries/point.js';
import type { IngestedOf } from '../ingested-message.js';
import { DERIVED_MEASUREMENTS } from './derived-measurements.js';

/**
 * The `device_status` point of a birth or will: `online` 1 or 0 and the `session`, plus
 * `connection_lost` on an offline message that says why (1: the broker published the will, 0: a
 * clean shutdown). Tagged by site, device and device kind.
 *
 * Its time is the cloud's (when the message reached the API), not the payload's `at`: a will's
 * `at` is when its connection was opened (the agent registers it at connect), and arrival order
 * is the order the broker saw the changes in, whatever the device clocks say. Write it only for
 * a message that changed the device's state (`statusChangePoints`): retained births and wills
 * are delivered again at every reconnection of the API.
 */
export function statusToPoint(message: IngestedOf<'status'>): Point {
  const { state, session, kind, reason } = message.payload;
  const fields: Record<string, number> = { online: state === 'online' ? 1 : 0, session };
  if (state === 'offline' && reason !== undefined) {
    fields['connection_lost'] = reason === 'will' ? 1 : 0;
  }
  return {
    measurement: DERIVED_MEASUREMENTS.deviceStatus,
    tags: { site: message.site, device: message.device, kind },
    fields,
    time: message.receivedAt,
  };
}
