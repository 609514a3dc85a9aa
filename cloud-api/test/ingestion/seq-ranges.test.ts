import { describe, expect, it } from 'vitest';
import { SeqRanges } from '../../src/ingestion/seq-ranges.js';

describe('SeqRanges', () => {
  it('tells new seqs from duplicates, in any order', () => {
    const seen = new SeqRanges();
    expect(seen.add(5)).toBe(true);
    expect(seen.add(3)).toBe(true);
    expect(seen.add(5)).toBe(false);
    expect(seen.has(4)).toBe(false);
    expect(seen.add(4)).toBe(true);
    expect(seen.toJSON()).toEqual([[3, 5]]);
  });

  it('merges adjacent and overlapping ranges', () => {
    const seen = new SeqRanges([
      [1, 3],
      [7, 9],
      [5, 5],
    ]);
    expect(seen.toJSON()).toEqual([
      [1, 3],
      [5, 5],
      [7, 9],
    ]);
    seen.add(4);
    expect(seen.toJSON()).toEqual([
      [1, 5],
      [7, 9],
    ]);
    seen.add(6);
    expect(seen.toJSON()).toEqual([[1, 9]]);
    expect(seen.max).toBe(9);
  });

  it('stays one range for live-first delivery beside an oldest-first replay', () => {
    const seen = new SeqRanges([[1, 100]]);
    // Live readings 1001.. arrive while history 101..1000 is replayed.
    for (let live = 1001, old = 101; old <= 1000; old++) {
      if (old % 10 === 0) expect(seen.add(live++)).toBe(true);
      expect(seen.add(old)).toBe(true);
    }
    expect(seen.rangeCount).toBe(1);
    expect(seen.max).toBe(1090);
  });

  it('lists the gaps below the highest seq', () => {
    const seen = new SeqRanges([
      [2, 3],
      [6, 6],
    ]);
    expect(seen.gaps()).toEqual([
      [1, 1],
      [4, 5],
    ]);
    expect(seen.gaps(1)).toEqual([[1, 1]]);
  });

  it('compacts by giving up the oldest gaps first', () => {
    const seen = new SeqRanges([
      [1, 1],
      [3, 3],
      [5, 5],
      [7, 7],
    ]);
    expect(seen.compact(2)).toBe(2);
    expect(seen.toJSON()).toEqual([
      [1, 5],
      [7, 7],
    ]);
    expect(seen.has(2)).toBe(true);
    expect(seen.has(6)).toBe(false);
  });

  it('round-trips through JSON and ignores malformed input', () => {
    const seen = new SeqRanges([
      [1, 4],
      [9, 12],
    ]);
    expect(SeqRanges.parse(JSON.stringify(seen)).toJSON()).toEqual(seen.toJSON());
    expect(SeqRanges.parse('not json').toJSON()).toEqual([]);
    expect(SeqRanges.parse('[[3, 1], [1.5, 2], "x", [1, 2]]').toJSON()).toEqual([[1, 2]]);
  });

  it('gives the newest ranges, lowest first, as copies', () => {
    const seen = new SeqRanges([
      [1, 3],
      [5, 5],
      [7, 9],
    ]);
    expect(seen.newest(2)).toEqual([
      [5, 5],
      [7, 9],
    ]);
    expect(seen.newest(10)).toEqual(seen.toJSON());
    expect(seen.newest(0)).toEqual([]);
    const copy = seen.newest(1);
    (copy[0] as [number, number])[1] = 100;
    expect(seen.max).toBe(9);
    expect(new SeqRanges().newest(64)).toEqual([]);
  });
});
