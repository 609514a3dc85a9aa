import { HameauError } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { DeviceRegistry, builtinDeviceTypes } from '../src/device-registry.js';
import { counterDeviceType } from '../src/devices/counter/counter-type.js';
import { defineDeviceType } from '../src/device-type.js';
import { CounterOptions } from '../src/devices/counter/counter-options.js';
import { CounterDevice } from '../src/devices/counter/counter-device.js';

describe('DeviceRegistry', () => {
  it('holds the built-in device types', () => {
    const registry = builtinDeviceTypes();
    expect(registry.list().map((t) => t.type)).toEqual([
      'counter',
      'em24',
      'iem3000',
      'lamp-nodes',
      'lock-board',
      'modbus-gateway',
      'rtu-bus',
      'sdm120',
      'sdm630',
    ]);
    expect(registry.get('counter')).toBe(counterDeviceType);
    expect(registry.get('meter')).toBeUndefined();
  });

  it('lists types by name and refuses a name twice', () => {
    const zeta = defineDeviceType({
      type: 'zeta',
      summary: 'test',
      schema: CounterOptions,
      create: (e, c) => new CounterDevice(e, c),
    });
    const registry = new DeviceRegistry([zeta, counterDeviceType]);
    expect(registry.list().map((t) => t.type)).toEqual(['counter', 'zeta']);
    expect(() => registry.register(counterDeviceType)).toThrow(HameauError);
  });

  it("turns a valid entry into a plan bound to its type's defaults", () => {
    const plan = counterDeviceType.planSchema.parse({ type: 'counter', id: 'c9' });
    expect(plan).toMatchObject({
      type: 'counter',
      id: 'c9',
      entry: { host: '127.0.0.1', port: 0, start: 1, scale: 0.5, faults: [] },
    });
  });
});
