import { describe, expect, it } from 'vitest';
import { checkDelivery, checkDevice } from '../../src/ingest/delivery-check.js';

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('checkDevice', () => {
  it('passes every seq of 1..sent stored once, in any order', () => {
    expect(checkDevice('m', 5, [3, 1, 5, 2, 4])).toEqual({
      device: 'm',
      sent: 5,
      stored: 5,
      missing: 0,
      duplicates: 0,
      unexpected: 0,
      maxSeq: 5,
    });
  });

  it('counts what is missing, stored twice, and never sent', () => {
    const d = checkDevice('m', 5, [1, 2, 2, 4, 7, 0]);
    expect(d).toMatchObject({ stored: 6, missing: 2, duplicates: 1, unexpected: 2, maxSeq: 7 });
  });

  it('sees a loss even when the count matches (a duplicate hiding a gap)', () => {
    const d = checkDevice('m', 3, [1, 1, 3]);
    expect(d.stored).toBe(3);
    expect(d).toMatchObject({ missing: 1, duplicates: 1 });
  });
});

describe('checkDelivery', () => {
  it('is exact when every device’s readings are all there once', () => {
    const { totals } = checkDelivery(
      new Map([
        ['a', 3],
        ['b', 2],
      ]),
      new Map([
        ['a', range(1, 3)],
        ['b', range(1, 2)],
      ]),
    );
    expect(totals).toEqual({
      devices: 2,
      sent: 5,
      stored: 5,
      missing: 0,
      duplicates: 0,
      unexpected: 0,
      exact: true,
    });
  });

  it('counts a device with nothing stored as wholly missing', () => {
    const { totals, devices } = checkDelivery(
      new Map([
        ['a', 3],
        ['b', 4],
      ]),
      new Map([['a', range(1, 3)]]),
    );
    expect(totals).toMatchObject({ sent: 7, stored: 3, missing: 4, exact: false });
    expect(devices.find((d) => d.device === 'b')?.missing).toBe(4);
  });

  it('counts points of a device that sent nothing as unexpected', () => {
    const { totals } = checkDelivery(
      new Map([['a', 1]]),
      new Map([
        ['a', [1]],
        ['ghost', [1, 2]],
      ]),
    );
    expect(totals).toMatchObject({ devices: 1, stored: 3, unexpected: 2, exact: false });
  });
});
