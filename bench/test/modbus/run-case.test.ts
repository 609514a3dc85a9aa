import { describe, expect, it } from 'vitest';
import { builtinModules } from '@hameau/edge-agent';
import { rtuLayout, tcpLayout } from '../../src/modbus/bench-layout.js';
import { agentBuses } from '../../src/modbus/run-case.js';

const metering = builtinModules().get('metering');

describe('agentBuses', () => {
  it('is a metering config the module accepts: one RTU bus, every meter read flat out', () => {
    const buses = agentBuses(rtuLayout(19_200, 2, 4, true), {
      transport: 'rtu',
      path: '/tmp/x/agent',
    });
    const config = metering?.configSchema.parse({ buses }) as {
      buses: {
        transport: string;
        baud: number;
        pauseMs: number;
        meters: { unitId: number; pollMs: number }[];
      }[];
    };
    expect(config.buses).toHaveLength(1);
    expect(config.buses[0]).toMatchObject({ transport: 'rtu', baud: 19_200, pauseMs: 0 });
    expect(config.buses[0]?.meters.map((m) => [m.unitId, m.pollMs])).toEqual([
      [1, 10],
      [2, 10],
      [3, 10],
      [4, 10],
      [5, 10],
    ]);
  });

  it('gives each TCP port its own bus, with the gateway’s meters by unit id', () => {
    const buses = agentBuses(tcpLayout(4, 2), { transport: 'tcp', ports: [40001, 40002] });
    const config = metering?.configSchema.parse({ buses }) as {
      buses: { transport: string; port: number; meters: { id: string; unitId: number }[] }[];
    };
    expect(config.buses.map((b) => [b.transport, b.port, b.meters.map((m) => m.id)])).toEqual([
      ['tcp', 40001, ['m1', 'm2']],
      ['tcp', 40002, ['m3', 'm4']],
    ]);
  });

  it('refuses endpoints of another transport than the layout’s', () => {
    expect(() => agentBuses(tcpLayout(2, 1), { transport: 'rtu', path: '/tmp/x' })).toThrow();
  });
});
