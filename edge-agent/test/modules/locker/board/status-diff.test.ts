import { describe, expect, it } from 'vitest';
import { diffStatus } from '../../../../src/modules/locker/board/status-diff.js';
import { describeChange } from './helpers/bus-recorder.js';

const status = (locked: number[], items: number[]) => ({
  board: 4,
  locked: Array.from({ length: 16 }, (_, i) => locked.includes(i)),
  itemPresent: Array.from({ length: 16 }, (_, i) => items.includes(i)),
});

describe('diffStatus', () => {
  it('finds nothing between equal statuses', () => {
    expect(diffStatus(status([0, 1], [1]), status([0, 1], [1]))).toEqual([]);
  });

  it('names each changed bit, in lock order, the door before the item', () => {
    const before = status([0, 1, 2, 15], [1, 2]);
    const after = status([1, 3, 15], [2, 3, 15]);
    expect(diffStatus(before, after).map(describeChange)).toEqual([
      'door-opened 4/0',
      'item-removed 4/1',
      'door-opened 4/2',
      'door-closed 4/3',
      'item-placed 4/3',
      'item-placed 4/15',
    ]);
  });
});
