import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../../../src/modules/metering/models/model-registry.js';
import { QUANTITIES } from '../../../../src/modules/metering/models/quantities.js';
import { RegisterMapSchema } from '../../../../src/modules/metering/models/register-map.js';

describe('a custom register map', () => {
  it('takes its defaults from the top and lets each register override them', () => {
    const map = RegisterMapSchema.parse({
      name: 'Acme PM-1',
      functionCode: 3,
      type: 'float32',
      registers: [
        { quantity: 'power_w', register: 0x10, unit: 'W', scale: 1000 },
        {
          quantity: 'energy_import_kwh',
          register: 0x20,
          unit: 'kWh',
          functionCode: 4,
          type: 'uint32',
          wordOrder: 'low-first',
          byteOrder: 'little',
          scale: 0.01,
        },
      ],
    });
    expect(map).toEqual({
      name: 'Acme PM-1',
      maxGap: 0,
      registers: [
        {
          quantity: 'power_w',
          register: 0x10,
          functionCode: 3,
          type: 'float32',
          wordOrder: 'high-first',
          byteOrder: 'big',
          scale: 1000,
          unit: 'W',
        },
        {
          quantity: 'energy_import_kwh',
          register: 0x20,
          functionCode: 4,
          type: 'uint32',
          wordOrder: 'low-first',
          byteOrder: 'little',
          scale: 0.01,
          unit: 'kWh',
        },
      ],
    });
  });

  it('lists every problem: unknown quantity, wrong unit, repeated quantity, bad types', () => {
    const result = RegisterMapSchema.safeParse({
      name: 'Broken',
      functionCode: 4,
      type: 'float32',
      registers: [
        { quantity: 'power_kw', register: 0, unit: 'kW' },
        { quantity: 'power_w', register: 2, unit: 'kW' },
        { quantity: 'power_w', register: 4, unit: 'W' },
        { quantity: 'voltage_v', register: 0xffff, unit: 'V' },
        { quantity: 'current_a', register: 8, unit: 'A', type: 'float64', scale: 0 },
      ],
    });
    expect(result.success).toBe(false);
    const issues = (result.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['registers.0.quantity', expect.stringContaining('a quantity of the vocabulary')],
        ['registers.4.type', expect.any(String)],
        ['registers.4.scale', 'a finite number other than 0'],
      ]),
    );
    // The checks across fields run once the shapes are right.
    const second = RegisterMapSchema.safeParse({
      name: 'Broken',
      functionCode: 4,
      type: 'float32',
      registers: [
        { quantity: 'power_w', register: 2, unit: 'kW' },
        { quantity: 'power_w', register: 4, unit: 'W' },
        { quantity: 'voltage_v', register: 0xffff, unit: 'V' },
      ],
    });
    expect(second.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['registers.0.unit', 'expected "W", the unit of power_w (convert with scale), found "kW"'],
      ['registers.1.quantity', 'expected each quantity once, found power_w again'],
      ['registers.2.register', 'expected a register where a float32 fits, found 65535'],
    ]);
  });
});

describe('the built-in models', () => {
  it('are valid register maps in the vocabulary, their units those of their names', () => {
    expect([...BUILTIN_MODELS.keys()]).toEqual([
      'eastron-sdm630',
      'eastron-sdm120',
      'carlo-gavazzi-em24',
      'schneider-iem3000',
    ]);
    for (const model of BUILTIN_MODELS.values()) {
      for (const field of model.registers) {
        expect(QUANTITIES[field.quantity].unit, `${model.id} ${field.quantity}`).toBe(field.unit);
      }
      expect(model.registers.length).toBeGreaterThan(0);
    }
  });
});
