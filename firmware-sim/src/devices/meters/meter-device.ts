import type { SimDevice } from '../../sim-device.js';
import type { SimMeter } from './sim-meter.js';

/** A simulated device holding meters: one meter on its own port, a gateway, or an RTU bus. */
export interface MeterDevice extends SimDevice {
  /** Its meters, in scenario order. */
  readonly meters: readonly SimMeter[];
  /** The meter with this id; throws if there is none (a typo in a test). */
  meter(id: string): SimMeter;
}

/** Finds a meter by id, or throws naming the device. */
export function findMeter(deviceId: string, meters: readonly SimMeter[], id: string): SimMeter {
  const found = meters.find((m) => m.id === id);
  if (found === undefined) {
    const known = meters.map((m) => m.id).join(', ');
    throw new Error(`device ${deviceId} has no meter "${id}" (meters: ${known})`);
  }
  return found;
}
