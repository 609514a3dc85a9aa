import { expect, it } from 'vitest';
import { inSeqRanges } from '../../src/outbox/seq-range-list.js';

it('finds a seq in sorted inclusive ranges, bounds included, and nothing in none', () => {
  const ranges = [
    [1, 3],
    [5, 5],
    [8, 20],
    [40, 41],
  ] as const;
  const inside = Array.from({ length: 45 }, (_, i) => i).filter((s) => inSeqRanges(ranges, s));
  expect(inside).toEqual([1, 2, 3, 5, ...Array.from({ length: 13 }, (_, i) => i + 8), 40, 41]);
  expect(inSeqRanges([], 1)).toBe(false);
});
