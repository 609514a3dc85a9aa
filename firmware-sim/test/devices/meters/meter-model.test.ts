import { describe, expect, it } from 'vitest';
import {
  defineMeterModel,
  float32,
  int16,
  readModelRegisters,
  registerImage,
} from '../../../src/devices/meters/meter-model.js';
import { METER_MODELS } from '../../../src/devices/meters/models/meter-models.js';
import { THREE_PHASE } from './models/snapshot-fixture.js';

const TINY = defineMeterModel({
  model: 'tiny',
  title: 'test',
  functionCode: 0x04,
  phases: 3,
  blocks: [{ start: 0x10, end: 0x18 }],
  fields: [
    float32(0x10, 'frequency', (s) => s.frequency),
    int16(0x14, 'pf', 1000, (s) => s.powerFactor),
  ],
});

describe('meter models as data', () => {
  it('reads reserved registers inside a block as 0', () => {
    expect(readModelRegisters(TINY, THREE_PHASE, 4, 0x10, 8)).toEqual({
      ok: true,
      words: [0x4248, 0, 0, 0, 800, 0, 0, 0],
    });
  });

  it('serves half of a 32-bit value when a read cuts it', () => {
    expect(readModelRegisters(TINY, THREE_PHASE, 4, 0x11, 1)).toEqual({ ok: true, words: [0] });
    expect(readModelRegisters(TINY, THREE_PHASE, 4, 0x0f, 1)).toMatchObject({ ok: false });
  });

  it('answers 02 for a start outside every block, or a range running out of its block', () => {
    expect(readModelRegisters(TINY, THREE_PHASE, 4, 0x00, 1)).toEqual({ ok: false, exception: 2 });
    expect(readModelRegisters(TINY, THREE_PHASE, 4, 0x17, 2)).toEqual({ ok: false, exception: 2 });
    expect(readModelRegisters(TINY, THREE_PHASE, 3, 0x10, 2)).toEqual({ ok: false, exception: 2 });
  });

  it('refuses a model whose fields overlap or fall outside its blocks', () => {
    const base = { model: 'bad', title: 'x', functionCode: 0x04, phases: 1 } as const;
    expect(() =>
      defineMeterModel({
        ...base,
        blocks: [{ start: 0, end: 10 }],
        fields: [float32(0, 'a', () => 1), float32(1, 'b', () => 1)],
      }),
    ).toThrow(/b overlaps a at 0x0001/);
    expect(() =>
      defineMeterModel({
        ...base,
        blocks: [{ start: 0, end: 10 }],
        fields: [float32(9, 'c', () => 1)],
      }),
    ).toThrow(/c at 0x000a is outside every block/);
  });

  it('ships four models with the function codes of the reference', () => {
    expect(
      Object.values(METER_MODELS).map((m) => [m.model, m.functionCode, m.phases, m.fields.length]),
    ).toEqual([
      ['sdm630', 4, 3, 20],
      ['sdm120', 4, 1, 8],
      ['em24', 4, 3, 20],
      ['iem3000', 3, 3, 17],
    ]);
    expect(registerImage(METER_MODELS.sdm630, THREE_PHASE).get(0x0046)).toBe(0x4248);
  });
});
