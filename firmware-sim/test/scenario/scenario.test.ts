import { ManualClock } from '@hameau/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRegistry, builtinDeviceTypes } from '../../src/device-registry.js';
import { defineDeviceType } from '../../src/device-type.js';
import { CounterOptions } from '../../src/devices/counter/counter-options.js';
import { CounterDevice } from '../../src/devices/counter/counter-device.js';
import { Scenario } from '../../src/scenario/scenario.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';
import type { Endpoint } from '../../src/sim-device.js';
import { LineClient, connectError } from '../line-client.js';

const registry = builtinDeviceTypes();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function portOf(endpoints: readonly Endpoint[]): number {
  const [e] = endpoints;
  if (e?.transport !== 'tcp') throw new Error('expected a TCP endpoint');
  return e.port;
}

function scenarioOf(yaml: string, clock = new ManualClock()): Scenario {
  const scenario = new Scenario(parseScenario(yaml, registry), { clock });
  cleanups.push(() => scenario.stop());
  return scenario;
}

describe('Scenario', () => {
  it('starts every device in file order and stops them all', async () => {
    const scenario = scenarioOf(
      'devices:\n  - { type: counter, id: a }\n  - { type: counter, id: b, start: 100, scale: 2 }\n',
    );
    const devices = await scenario.start();
    expect(devices.map((d) => [d.id, d.type])).toEqual([
      ['a', 'counter'],
      ['b', 'counter'],
    ]);
    const [a, b] = devices.map((d) => portOf(d.endpoints));
    const ca = await LineClient.open(a ?? 0);
    const cb = await LineClient.open(b ?? 0);
    expect(await ca.request('INFO\n')).toBe('I counter a 0\n');
    expect(await cb.request('READ\n')).toBe('N 100 200\n');
    expect(scenario.device('b')).toBeInstanceOf(CounterDevice);
    expect(() => scenario.device('zz')).toThrow(/no running device "zz"/);

    await scenario.stop();
    await ca.closed;
    await cb.closed;
    expect(await connectError(a ?? 0)).toBe('ECONNREFUSED');
    expect(await connectError(b ?? 0)).toBe('ECONNREFUSED');
    expect(scenario.devices).toEqual([]);
  });

  it('runs scenario faults on the injected clock', async () => {
    const clock = new ManualClock();
    const scenario = scenarioOf(
      'devices:\n  - type: counter\n    id: c1\n    faults: [{ mode: silent, atMs: 60000, durationMs: 1000 }]\n',
      clock,
    );
    await scenario.start();
    const device = scenario.device('c1');
    if (!(device instanceof CounterDevice)) throw new Error('expected a counter');
    await clock.advance(59_999);
    expect(device.fault).toBeNull();
    await clock.advance(1);
    expect(device.fault).toEqual({ mode: 'silent', until: clock.now() + 1000 });
    await clock.advance(1000);
    expect(device.fault).toBeNull();
  });

  it('stops the devices already started when a later one fails, and rethrows', async () => {
    const taken = scenarioOf('devices:\n  - { type: counter, id: t }\n');
    const takenPort = portOf((await taken.start())[0]?.endpoints ?? []);

    // A counter type that remembers where each device it built listened.
    const listened = new Map<string, number>();
    const recording = new DeviceRegistry([
      defineDeviceType({
        type: 'counter',
        summary: 'a counter that records its port',
        schema: CounterOptions,
        create: (entry, context) => {
          const device = new CounterDevice(entry, context);
          return {
            kind: device.kind,
            id: device.id,
            start: async () => {
              const result = await device.start();
              listened.set(device.id, portOf(result.endpoints));
              return result;
            },
            stop: () => device.stop(),
          };
        },
      }),
    ]);
    const clock = new ManualClock();
    const plan = parseScenario(
      `devices:\n  - { type: counter, id: first, faults: [{ mode: silent, atMs: 5 }] }\n  - { type: counter, id: second, port: ${takenPort} }\n`,
      recording,
    );
    const scenario = new Scenario(plan, { clock });
    cleanups.push(() => scenario.stop());
    await expect(scenario.start()).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(
        /^device second: 127\.0\.0\.1:\d+ is already in use/,
      ) as unknown,
    });
    const firstPort = listened.get('first');
    expect(firstPort).toBeGreaterThan(0);
    expect(await connectError(firstPort ?? 0)).toBe('ECONNREFUSED');
    expect(scenario.devices).toEqual([]);
    // The first device's scheduled fault was cancelled with it.
    expect(clock.pending).toBe(0);
  });
});
