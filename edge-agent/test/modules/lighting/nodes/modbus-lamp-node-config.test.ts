import { describe, expect, it } from 'vitest';
import {
  ModbusLampNodeBusConfig,
  nodeBusGapMs,
  nodeBusLink,
} from '../../../../src/modules/lighting/nodes/modbus-lamp-node-config.js';

const issues = (input: unknown) => {
  const parsed = ModbusLampNodeBusConfig.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('a Modbus lamp-node bus config', () => {
  it('takes a minimal RTU bus and fills in the defaults', () => {
    const bus = ModbusLampNodeBusConfig.parse({
      type: 'modbus',
      id: 'rue-haute',
      transport: 'rtu',
      path: '/dev/ttyUSB0',
      nodes: [
        { id: 'rh-01', unitId: 1 },
        { id: 'rh-02', unitId: 2, ratedW: 60 },
      ],
    });
    expect(bus).toMatchObject({
      baud: 9_600,
      parity: 'none',
      timeoutMs: 1_000,
      verify: true,
      reconnect: { minMs: 1_000, maxMs: 30_000 },
    });
    expect(nodeBusLink(bus)).toEqual({
      transport: 'rtu',
      path: '/dev/ttyUSB0',
      baud: 9_600,
      parity: 'none',
      dataBits: 8,
      stopBits: 1,
    });
    // t3.5 at 9600 baud is 4.01 ms: 5 ms whole, plus the 1 ms margin.
    expect(nodeBusGapMs(bus)).toBe(6);
  });

  it('reports every problem at once, each at its path', () => {
    expect(
      issues({
        type: 'modbus',
        id: 'Rue',
        transport: 'rtu',
        path: '/dev/ttyUSB0',
        nodes: [
          { id: 'a', unitId: 0 },
          { id: 'a', unitId: 3, zone: 'north' },
          { id: 'b', unitId: 3 },
        ],
      }),
    ).toEqual([
      'id: bus id must be 1-40 lower-case letters, digits or inner dashes',
      'nodes.1: Unrecognized key: "zone"',
      'nodes.0.unitId: expected a unit id 1-247 on an RTU line, found 0',
      'nodes.1.id: expected a node id used once, found a again',
      'nodes.2.unitId: expected a unit id used once per bus, found 3 again',
    ]);
    expect(issues({ type: 'modbus', id: 'x', transport: 'tcp', host: 'gw', nodes: [] })).toEqual([
      'nodes: Too small: expected array to have >=1 items',
    ]);
    expect(issues({ type: 'modbus', id: 'x', transport: 'dali', nodes: [] })).toEqual([
      'transport: a transport: rtu, tcp or rtu-over-tcp',
    ]);
  });

  it('lets unit 0 through on Modbus TCP, where gateways may use it', () => {
    const bus = ModbusLampNodeBusConfig.parse({
      type: 'modbus',
      id: 'gw',
      transport: 'tcp',
      host: '10.0.0.9',
      pauseMs: 20,
      nodes: [{ id: 'n', unitId: 0 }],
    });
    expect(nodeBusLink(bus)).toEqual({ transport: 'tcp', host: '10.0.0.9', port: 502 });
    expect(nodeBusGapMs(bus)).toBe(20);
  });
});
