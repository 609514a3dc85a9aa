import { describe, expect, it } from 'vitest';
import {
  decodeField,
  shortestFloat32,
} from '../../../../src/modules/metering/models/decode-registers.js';
import type { RegisterField } from '../../../../src/modules/metering/models/register-map.js';

const field = (over: Partial<RegisterField>): RegisterField => ({
  quantity: 'power_w',
  register: 10,
  functionCode: 4,
  type: 'float32',
  wordOrder: 'high-first',
  byteOrder: 'big',
  scale: 1,
  unit: 'W',
  ...over,
});

describe('decodeField', () => {
  it('reads a float32 in each word and byte order', () => {
    // 230.5 is 0x43668000: bytes A=43 B=66 C=80 D=00.
    const at = (words: number[], over: Partial<RegisterField>) =>
      decodeField(field(over), words, 10);
    expect(at([0x4366, 0x8000], {})).toEqual({ ok: true, value: 230.5 }); // ABCD
    expect(at([0x8000, 0x4366], { wordOrder: 'low-first' })).toEqual({ ok: true, value: 230.5 }); // CDAB
    expect(at([0x6643, 0x0080], { byteOrder: 'little' })).toEqual({ ok: true, value: 230.5 }); // BADC
    expect(at([0x0080, 0x6643], { wordOrder: 'low-first', byteOrder: 'little' })).toEqual({
      ok: true,
      value: 230.5,
    }); // DCBA
  });

  it('reads integers signed and unsigned, 16 and 32 bits', () => {
    const at = (words: number[], over: Partial<RegisterField>) =>
      decodeField(field(over), words, 10);
    expect(at([0xffff, 0xfffe], { type: 'int32' })).toEqual({ ok: true, value: -2 });
    expect(at([0xffff, 0xfffe], { type: 'uint32' })).toEqual({ ok: true, value: 4294967294 });
    expect(at([0xfffe, 0xffff], { type: 'int32', wordOrder: 'low-first' })).toEqual({
      ok: true,
      value: -2,
    });
    expect(at([0x8000], { type: 'int16' })).toEqual({ ok: true, value: -32768 });
    expect(at([0x8000], { type: 'uint16' })).toEqual({ ok: true, value: 32768 });
    expect(at([0x3412], { type: 'uint16', byteOrder: 'little' })).toEqual({
      ok: true,
      value: 0x1234,
    });
  });

  it('finds its words at its offset in a longer reply', () => {
    const words = [0x0000, 0x0000, 0x4366, 0x8000, 0x1111];
    expect(decodeField(field({ register: 12 }), words, 10)).toEqual({ ok: true, value: 230.5 });
    expect(decodeField(field({ register: 14 }), words, 10)).toEqual({
      ok: false,
      reason: 'register not in the reply',
    });
  });

  it('scales without binary noise', () => {
    // 2305 × 0.1 is 230.50000000000003 in plain floating point.
    expect(decodeField(field({ type: 'int32', scale: 0.1 }), [0, 2305], 10)).toEqual({
      ok: true,
      value: 230.5,
    });
    expect(decodeField(field({ type: 'int16', scale: 0.001 }), [0xfc9a], 10)).toEqual({
      ok: true,
      value: -0.87,
    });
    // 1.234 kW as float32 is 1.2339999675750732; × 1000 must still be 1234 W.
    expect(decodeField(field({ scale: 1000 }), [0x3f9d, 0xf3b6], 10)).toEqual({
      ok: true,
      value: 1234,
    });
  });

  it('turns NaN and infinities into a missing value, never a number', () => {
    expect(decodeField(field({}), [0x7fc0, 0x0000], 10)).toEqual({
      ok: false,
      reason: 'not a number',
    });
    expect(decodeField(field({}), [0xff80, 0x0000], 10)).toEqual({
      ok: false,
      reason: 'not a number',
    });
  });
});

describe('shortestFloat32', () => {
  it('gives the shortest decimal that is the same float32', () => {
    expect(shortestFloat32(Math.fround(230.1))).toBe(230.1);
    expect(shortestFloat32(Math.fround(49.98))).toBe(49.98);
    expect(shortestFloat32(Math.fround(0.95))).toBe(0.95);
    expect(shortestFloat32(230.5)).toBe(230.5);
    // A float32 that needs all its digits keeps them.
    const odd = Math.fround(1 / 3);
    expect(Math.fround(shortestFloat32(odd))).toBe(odd);
    expect(shortestFloat32(odd)).toBe(0.33333334);
  });
});
