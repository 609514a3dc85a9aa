import { describe, expect, it } from 'vitest';
import {
  DEAD_METER_ID,
  layoutMeters,
  rtuLayout,
  tcpLayout,
} from '../../src/modbus/bench-layout.js';

describe('rtuLayout', () => {
  it('puts the live meters on units 1… and the dead one after them', () => {
    const layout = rtuLayout(9_600, 2, 4, true);
    expect(layout).toMatchObject({ transport: 'rtu', baud: 9_600, turnaroundMs: 2 });
    expect(layoutMeters(layout)).toEqual([
      { id: 'm1', unitId: 1, dead: false },
      { id: 'm2', unitId: 2, dead: false },
      { id: 'm3', unitId: 3, dead: false },
      { id: 'm4', unitId: 4, dead: false },
      { id: DEAD_METER_ID, unitId: 5, dead: true },
    ]);
  });

  it('has no dead meter unless asked', () => {
    expect(layoutMeters(rtuLayout(19_200, 2, 2, false)).map((m) => m.dead)).toEqual([false, false]);
  });
});

describe('tcpLayout', () => {
  it('gives each meter its own port, as unit 1', () => {
    const layout = tcpLayout(50, 1);
    if (layout.transport !== 'tcp') throw new Error('expected tcp');
    expect(layout.ports).toHaveLength(50);
    expect(layout.ports.every((p) => p.length === 1 && p[0]?.unitId === 1)).toBe(true);
    expect(layout.ports[49]?.[0]?.id).toBe('m50');
  });

  it('puts meters behind gateways by unit id, the last gateway taking the rest', () => {
    const layout = tcpLayout(25, 10);
    if (layout.transport !== 'tcp') throw new Error('expected tcp');
    expect(layout.ports.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(layout.ports[1]?.map((m) => m.unitId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(layout.ports[2]?.map((m) => m.id)).toEqual(['m21', 'm22', 'm23', 'm24', 'm25']);
  });

  it('refuses gateways of no meters', () => {
    expect(() => tcpLayout(50, 0)).toThrow(RangeError);
  });
});
