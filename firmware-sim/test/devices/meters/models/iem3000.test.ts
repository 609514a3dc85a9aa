import { describe, expect, it } from 'vitest';
import { IEM3000 } from '../../../../src/devices/meters/models/iem3000.js';
import { readModelRegisters } from '../../../../src/devices/meters/meter-model.js';
import { THREE_PHASE, expectBlock } from './snapshot-fixture.js';

describe('iEM3000 register map (FC03, float32 high word first, kW)', () => {
  it('serves the measurement block, power in kW', () => {
    expectBlock(
      IEM3000,
      THREE_PHASE,
      { start: 0x5000, end: 0x5030 },
      {
        0x5000: '4366 0000', // average 230 V
        0x5002: '4366 0000',
        0x5004: '4367 0000',
        0x5006: '4365 0000',
        0x5008: '4248 0000', // 50 Hz
        0x500a: '4040 0000', // average 3 A
        0x500c: '40A0 0000',
        0x500e: '4020 0000',
        0x5010: '3FC0 0000',
        0x5012: '3F80 0000', // 1 kW
        0x5014: '3FA0 0000', // 1.25 kW
        0x5016: 'BF00 0000', // -0.5 kW
        0x5018: '3E80 0000', // 0.25 kW
        0x502a: '3F4C CCCD', // pf 0.8
      },
    );
  });

  it('serves the energy block', () => {
    expectBlock(
      IEM3000,
      THREE_PHASE,
      { start: 0x6000, end: 0x601a },
      {
        0x6000: '433B C000', // 187.75 kWh
        0x600c: '432F 8000', // 175.5 kWh
        0x6018: '4144 0000', // 12.25 kWh
      },
    );
  });

  it('answers FC03 only', () => {
    expect(readModelRegisters(IEM3000, THREE_PHASE, 4, 0x5012, 2)).toEqual({
      ok: false,
      exception: 2,
    });
    expect(readModelRegisters(IEM3000, THREE_PHASE, 3, 0x0000, 2)).toEqual({
      ok: false,
      exception: 2,
    });
  });
});
