import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../src/ingestion/log-throttle.js';

describe('LogThrottle', () => {
  it('lets a few lines per key and window through, then reports how many it held back', () => {
    const t = new LogThrottle({ perWindow: 2, windowMs: 1000 });
    expect([t.take('a', 0), t.take('a', 10), t.take('a', 20), t.take('a', 30)]).toEqual([
      { log: true, held: 0 },
      { log: true, held: 0 },
      { log: false, held: 0 },
      { log: false, held: 0 },
    ]);
    // Another device has its own allowance.
    expect(t.take('b', 40)).toEqual({ log: true, held: 0 });
    // A new window: the first line carries the count of the previous window's held lines.
    expect(t.take('a', 1000)).toEqual({ log: true, held: 2 });
    expect(t.take('a', 1001)).toEqual({ log: true, held: 0 });
  });
});
