import { expect, it } from 'vitest';
import { Backoff } from '../../src/link/backoff.js';
import { markHistorical } from '../../src/link/mark-historical.js';

it('widens the jitter window exponentially up to the maximum, and resets', () => {
  const top = new Backoff(1_000, 60_000, () => 0.999_999);
  const ceilings = Array.from({ length: 9 }, () => top.next());
  expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  top.reset();
  expect(top.next()).toBe(1_000);
});

it('draws each delay uniformly from zero to the ceiling (full jitter)', () => {
  const draws = [0, 0.5, 0.25];
  const b = new Backoff(1_000, 60_000, () => draws.shift() ?? 0);
  expect([b.next(), b.next(), b.next()]).toEqual([0, 1_000, 1_000]);
});

it('marks a stored payload historical without touching the rest', () => {
  const live = Buffer.from(JSON.stringify({ seq: 7, historical: false, values: { a: 1 } }));
  expect(JSON.parse(markHistorical(live).toString())).toEqual({
    seq: 7,
    historical: true,
    values: { a: 1 },
  });
});
