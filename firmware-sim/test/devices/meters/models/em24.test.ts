import { describe, expect, it } from 'vitest';
import { EM24 } from '../../../../src/devices/meters/models/em24.js';
import { readModelRegisters } from '../../../../src/devices/meters/meter-model.js';
import { THREE_PHASE, expectBlock } from './snapshot-fixture.js';

describe('EM24 register map (FC04, INT32 low word first, INT16, with factors)', () => {
  it('serves the reference layout', () => {
    expectBlock(
      EM24,
      THREE_PHASE,
      { start: 0x0000, end: 0x0060 },
      {
        0x0000: '08FC 0000', // 230 V × 10 = 2300
        0x0002: '0906 0000', // 2310
        0x0004: '08F2 0000', // 2290
        0x000c: '1388 0000', // 5 A × 1000 = 5000
        0x000e: '09C4 0000', // 2500
        0x0010: '05DC 0000', // 1500
        0x0012: '30D4 0000', // 1250 W × 10 = 12500
        0x0014: 'EC78 FFFF', // -5000: 0xFFFFEC78, low word first
        0x0016: '09C4 0000', // 2500
        0x0028: '2710 0000', // 10000
        0x0032: '03E8', // pf 1 × 1000
        0x0033: '01F4', // 500
        0x0034: '00FA', // 250
        0x0035: '0320', // 800
        0x0037: '01F4', // 50 Hz × 10
        0x0042: '06DB 0000', // 175.5 kWh × 10 = 1755
        0x0046: '03E8 0000', // 1000
        0x0048: '01F4 0000', // 500
        0x004a: '00FF 0000', // 255
        0x005c: '007B 0000', // 12.25 × 10 = 122.5, rounded to 123
      },
    );
  });

  it('has a single block', () => {
    expect(readModelRegisters(EM24, THREE_PHASE, 4, 0x0060, 1)).toEqual({
      ok: false,
      exception: 2,
    });
    expect(readModelRegisters(EM24, THREE_PHASE, 3, 0x0000, 2)).toEqual({
      ok: false,
      exception: 2,
    });
  });
});
