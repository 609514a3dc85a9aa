import { describe, expect, it } from 'vitest';
import { encodeRegisters, registerCount } from '../../../src/devices/meters/register-encoding.js';

const words = (values: number[]) => values.map((w) => w.toString(16).padStart(4, '0')).join(' ');

describe('register encodings', () => {
  it('float32 is high word first (ABCD)', () => {
    expect(words(encodeRegisters({ kind: 'float32' }, 230))).toBe('4366 0000');
    expect(words(encodeRegisters({ kind: 'float32' }, -1))).toBe('bf80 0000');
    expect(words(encodeRegisters({ kind: 'float32' }, 0.1))).toBe('3dcc cccd');
  });

  it('int32 is low word first, two’s complement, after the factor', () => {
    const enc = { kind: 'int32-low-word-first', factor: 10 } as const;
    expect(words(encodeRegisters(enc, 123456.7))).toBe('d687 0012'); // 1234567 = 0x0012D687
    expect(words(encodeRegisters(enc, -0.1))).toBe('ffff ffff'); // -1
    expect(words(encodeRegisters(enc, 1e12))).toBe('ffff 7fff'); // saturates at 2^31 - 1
    expect(words(encodeRegisters(enc, -1e12))).toBe('0000 8000');
  });

  it('int16 rounds the scaled value and saturates', () => {
    const enc = { kind: 'int16', factor: 1000 } as const;
    expect(words(encodeRegisters(enc, 0.9994))).toBe('03e7'); // 999
    expect(words(encodeRegisters(enc, -0.5))).toBe('fe0c'); // -500
    expect(words(encodeRegisters(enc, 40))).toBe('7fff');
    expect(words(encodeRegisters(enc, Number.NaN))).toBe('0000');
  });

  it('knows how many registers each takes', () => {
    expect(registerCount({ kind: 'float32' })).toBe(2);
    expect(registerCount({ kind: 'int32-low-word-first', factor: 1 })).toBe(2);
    expect(registerCount({ kind: 'int16', factor: 1 })).toBe(1);
  });
});
