import { describe, expect, it } from 'vitest';
import { garbageLine, seededRandom } from '../../src/faults/garbage.js';

describe('seededRandom', () => {
  it('repeats for a seed, differs between seeds, and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('garbageLine', () => {
  it('is 1 to 64 bytes without newline, then a newline, never starting like an answer', () => {
    const random = seededRandom(1);
    const lengths = new Set<number>();
    const bytes = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const line = garbageLine(random);
      lengths.add(line.length - 1);
      expect(line.length).toBeGreaterThanOrEqual(2);
      expect(line.length).toBeLessThanOrEqual(65);
      expect(line.indexOf(0x0a)).toBe(line.length - 1);
      expect([0x4e, 0x49, 0x45]).not.toContain(line[0]);
      for (const byte of line.subarray(0, -1)) bytes.add(byte);
    }
    // Real noise: every length and every byte value but the newline shows up.
    expect(lengths.size).toBe(64);
    expect(bytes.size).toBe(255);
  });
});
