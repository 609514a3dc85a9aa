import { describe, expect, it } from 'vitest';
import { splitLines } from '../../src/timeseries/influx-http.js';

describe('splitLines', () => {
  it('keeps a small batch in one body', () => {
    expect(splitLines(['a 1', 'b 2'], 10, 1_000)).toEqual(['a 1\nb 2']);
  });

  it('splits on the line limit', () => {
    expect(splitLines(['a', 'b', 'c'], 2, 1_000)).toEqual(['a\nb', 'c']);
  });

  it('splits on the byte limit, counting UTF-8 bytes and newlines', () => {
    // 'é' is two bytes: each line costs 3 bytes with its newline.
    expect(splitLines(['é', 'é', 'é'], 100, 6)).toEqual(['é\né', 'é']);
  });

  it('sends a single line larger than the limit on its own', () => {
    expect(splitLines(['x'.repeat(50), 'y'], 100, 10)).toEqual(['x'.repeat(50), 'y']);
  });

  it('returns no body for no lines', () => {
    expect(splitLines([], 10, 10)).toEqual([]);
  });
});
