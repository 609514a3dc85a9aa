import { describe, expect, it } from 'vitest';
import { SDM630 } from '../../../../src/devices/meters/models/sdm630.js';
import { readModelRegisters } from '../../../../src/devices/meters/meter-model.js';
import { THREE_PHASE, expectBlock } from './snapshot-fixture.js';

describe('SDM630 register map (FC04, float32 ABCD, W, kWh)', () => {
  it('serves the first block as the reference lays it out', () => {
    expectBlock(
      SDM630,
      THREE_PHASE,
      { start: 0x0000, end: 0x0050 },
      {
        0x0000: '4366 0000', // 230 V
        0x0002: '4367 0000', // 231 V
        0x0004: '4365 0000', // 229 V
        0x0006: '40A0 0000', // 5 A
        0x0008: '4020 0000', // 2.5 A
        0x000a: '3FC0 0000', // 1.5 A
        0x000c: '449C 4000', // 1250 W
        0x000e: 'C3FA 0000', // -500 W
        0x0010: '437A 0000', // 250 W
        0x0034: '447A 0000', // 1000 W total
        0x0038: '449C 4000', // 1250 VA
        0x003c: '443B 8000', // 750 var
        0x003e: '3F4C CCCD', // pf 0.8 (nearest float32)
        0x0046: '4248 0000', // 50 Hz
        0x0048: '432F 8000', // 175.5 kWh import
        0x004a: '4144 0000', // 12.25 kWh export
      },
    );
  });

  it('serves total and per-phase energies in the second block', () => {
    expectBlock(
      SDM630,
      THREE_PHASE,
      { start: 0x0156, end: 0x0160 },
      {
        0x0156: '433B C000', // 187.75 kWh = import + export
        0x015a: '42C8 0000', // 100 kWh
        0x015c: '4248 0000', // 50 kWh
        0x015e: '41CC 0000', // 25.5 kWh
      },
    );
  });

  it('answers FC04 only, and only inside its blocks', () => {
    const read = (fc: 3 | 4, address: number, quantity: number) =>
      readModelRegisters(SDM630, THREE_PHASE, fc, address, quantity);
    expect(read(4, 0x0034, 2)).toEqual({ ok: true, words: [0x447a, 0x0000] });
    expect(read(3, 0x0034, 2)).toEqual({ ok: false, exception: 2 });
    expect(read(4, 0x0100, 2)).toEqual({ ok: false, exception: 2 });
    expect(read(4, 0x004e, 4)).toEqual({ ok: false, exception: 2 });
    expect(read(4, 0x015e, 2)).toEqual({ ok: true, words: [0x41cc, 0x0000] });
  });
});
