import { defineDeviceType } from '../../device-type.js';
import { CounterDevice } from './counter-device.js';
import { CounterOptions } from './counter-options.js';

/** `type: counter` in scenario files. */
export const counterDeviceType = defineDeviceType({
  type: 'counter',
  summary: 'numbered readings over a line-based TCP protocol (READ, INFO); for fault tests',
  schema: CounterOptions,
  create: (entry, context) => new CounterDevice(entry, context),
});
