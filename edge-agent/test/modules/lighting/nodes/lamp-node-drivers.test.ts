import { ManualClock } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type {
  LampNode,
  LampNodeReading,
} from '../../../../src/modules/lighting/nodes/lamp-node.js';
import type { LampNodeBus } from '../../../../src/modules/lighting/nodes/lamp-node-bus.js';
import {
  LampNodeDrivers,
  builtinLampNodeDrivers,
  defineLampNodeDriver,
  modbusLampNodeDriver,
} from '../../../../src/modules/lighting/nodes/lamp-node-drivers.js';
import { ModbusLampNodeBus } from '../../../../src/modules/lighting/nodes/modbus-lamp-node-bus.js';
import { silentLog } from './helpers/lamp-node-rig.js';

/** A 1–10 V dimmer gateway as a second driver would bring it: levels only, nothing to read. */
const oneToTenVolt = defineLampNodeDriver({
  type: 'one-to-ten-volt',
  summary: 'a 1-10 V dimmer per channel (test driver)',
  schema: z.strictObject({
    type: z.literal('one-to-ten-volt'),
    id: z.string(),
    nodes: z.array(z.strictObject({ id: z.string(), channel: z.int().min(1).max(8) })).min(1),
  }),
  create: (config): LampNodeBus => {
    const levels = new Map<string, number>();
    const nodes = config.nodes.map((n): LampNode => ({
      id: n.id,
      ratedW: undefined,
      setLevel: (level) => {
        levels.set(n.id, level);
        return Promise.resolve();
      },
      read: (): Promise<LampNodeReading> =>
        Promise.resolve({
          appliedLevel: levels.get(n.id) ?? 0,
          powerW: 0,
          voltageV: 0,
          burningHours: 0,
          ratedW: null,
          faults: {
            lampFailure: false,
            relayStuck: false,
            restarted: false,
            onFailureLevel: false,
          },
        }),
      configureFailsafe: () => Promise.resolve(),
    }));
    return {
      id: config.id,
      type: 'one-to-ten-volt',
      nodes,
      node: (id) => nodes.find((n) => n.id === id),
      connected: true,
      close: () => Promise.resolve(),
    };
  },
});

const context = { clock: new ManualClock(), log: silentLog };

describe('lamp-node drivers', () => {
  it('builds a Modbus bus from its entry, defaults applied', async () => {
    const plan = builtinLampNodeDrivers()
      .busSchema()
      .parse({
        type: 'modbus',
        id: 'rue-haute',
        transport: 'tcp',
        host: '127.0.0.1',
        nodes: [{ id: 'rh-01', unitId: 1 }],
      });
    expect(plan).toMatchObject({ type: 'modbus', id: 'rue-haute', nodeIds: ['rh-01'] });
    expect(plan.config).toMatchObject({ port: 502, verify: true });
    const bus = plan.create(context);
    expect(bus).toBeInstanceOf(ModbusLampNodeBus);
    expect(bus.node('rh-01')?.id).toBe('rh-01');
    expect(bus.connected).toBe(false); // opened on first use
    await bus.close();
  });

  it('takes other drivers by type, each validating its own entries', async () => {
    const drivers = new LampNodeDrivers([modbusLampNodeDriver, oneToTenVolt]);
    expect(drivers.types).toEqual(['modbus', 'one-to-ten-volt']);
    const schema = z.array(drivers.busSchema());
    const [plan] = schema.parse([
      { type: 'one-to-ten-volt', id: 'parc', nodes: [{ id: 'p1', channel: 2 }] },
    ]);
    const bus = plan?.create(context);
    await bus?.node('p1')?.setLevel(35);
    expect((await bus?.node('p1')?.read())?.appliedLevel).toBe(35);
    // Issues keep their place in the entry, whichever driver found them.
    const result = schema.safeParse([
      { type: 'modbus', id: 'x', transport: 'tcp', host: 'h', nodes: [{ id: 'n', unitId: 300 }] },
      { type: 'one-to-ten-volt', id: 'parc', nodes: [{ id: 'p1', channel: 9 }] },
      { type: 'dali', id: 'd' },
    ]);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      '0.nodes.0.unitId: Too big: expected number to be <=255',
      '1.nodes.0.channel: Too big: expected number to be <=8',
      '2.type: expected a lamp-node driver (modbus, one-to-ten-volt), found dali',
    ]);
  });

  it('refuses a driver type registered twice', () => {
    expect(() => new LampNodeDrivers([modbusLampNodeDriver, modbusLampNodeDriver])).toThrow(
      /registered twice/,
    );
  });
});
