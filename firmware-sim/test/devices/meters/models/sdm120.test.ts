import { describe, expect, it } from 'vitest';
import { SDM120 } from '../../../../src/devices/meters/models/sdm120.js';
import { readModelRegisters } from '../../../../src/devices/meters/meter-model.js';
import { SINGLE_PHASE, expectBlock } from './snapshot-fixture.js';

describe('SDM120 register map (FC04, float32 ABCD, single phase)', () => {
  it('serves the reference layout, reserved registers reading 0', () => {
    expectBlock(
      SDM120,
      SINGLE_PHASE,
      { start: 0x0000, end: 0x0050 },
      {
        0x0000: '4366 0000', // 230 V
        0x0006: '40A0 0000', // 5 A
        0x000c: '448F C000', // 1150 W
        0x001e: '3F80 0000', // pf 1
        0x0046: '4248 0000', // 50 Hz
        0x0048: '432F 8000', // 175.5 kWh
        0x004a: '4144 0000', // 12.25 kWh
      },
    );
    expectBlock(
      SDM120,
      SINGLE_PHASE,
      { start: 0x0156, end: 0x0158 },
      {
        0x0156: '433B C000', // 187.75 kWh
      },
    );
  });

  it('has no registers for phases it does not have', () => {
    expect(readModelRegisters(SDM120, SINGLE_PHASE, 4, 0x0002, 2)).toEqual({
      ok: true,
      words: [0, 0],
    });
    expect(readModelRegisters(SDM120, SINGLE_PHASE, 4, 0x015a, 2)).toEqual({
      ok: false,
      exception: 2,
    });
  });
});
