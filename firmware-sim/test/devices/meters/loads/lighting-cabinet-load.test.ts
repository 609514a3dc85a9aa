import { HameauError } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { LightingCabinetLoad } from '../../../../src/devices/meters/loads/lighting-cabinet-load.js';

describe('LightingCabinetLoad', () => {
  it('draws standby plus the lamps at their dim level', () => {
    const cabinet = new LightingCabinetLoad({ lamps: 20, lampW: 60, standbyW: 10, level: 0 });
    expect(cabinet.powerAt()).toBe(10);
    cabinet.setLevel(100);
    expect(cabinet.powerAt()).toBe(1210);
    cabinet.setLevel(40);
    expect(cabinet.level).toBe(40);
    expect(cabinet.powerAt()).toBe(10 + 20 * 60 * 0.4);
  });

  it('has a lower power factor dimmed than at full power', () => {
    const cabinet = new LightingCabinetLoad({ lamps: 1, lampW: 100, standbyW: 1, level: 100 });
    const full = cabinet.powerFactorAt();
    cabinet.setLevel(10);
    expect(cabinet.powerFactorAt()).toBeLessThan(full);
    expect(full).toBeCloseTo(0.98, 9);
  });

  it('tells listeners before a change, and not for the same level', () => {
    const cabinet = new LightingCabinetLoad({ lamps: 2, lampW: 50, standbyW: 0, level: 0 });
    const seen: number[] = [];
    const off = cabinet.onChange(() => seen.push(cabinet.powerAt()));
    cabinet.setLevel(50);
    cabinet.setLevel(50);
    cabinet.setLevel(100);
    off();
    cabinet.setLevel(0);
    expect(seen).toEqual([0, 50]);
  });

  it('refuses a level outside 0-100', () => {
    const cabinet = new LightingCabinetLoad({ lamps: 1, lampW: 1, standbyW: 0, level: 0 });
    expect(() => {
      cabinet.setLevel(101);
    }).toThrow(HameauError);
    expect(() => {
      cabinet.setLevel(Number.NaN);
    }).toThrow(/0 to 100/);
    expect(cabinet.level).toBe(0);
  });
});
