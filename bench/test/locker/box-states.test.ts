import { describe, expect, it } from 'vitest';
import { BoxStates } from '../../src/locker/box-states.js';

describe('BoxStates', () => {
  it('starts every box locked and full, and follows the agent’s events', () => {
    const boxes = new BoxStates(2);
    expect(boxes.get(1)).toEqual({ locked: true, item: true });
    boxes.apply('door-opened', 'info', { box: 1, by: 'pickup' });
    expect(boxes.get(1)).toEqual({ locked: false, item: true });
    boxes.apply('item-removed', 'info', { box: 1 });
    boxes.apply('door-closed', 'info', { box: 1, itemPresent: false });
    expect(boxes.get(1)).toEqual({ locked: true, item: false });
    boxes.apply('item-placed', 'info', { box: 1 });
    expect(boxes.get(1)).toEqual({ locked: true, item: true });
    expect(boxes.get(2)).toEqual({ locked: true, item: true });
    expect(boxes.unexpected).toEqual([]);
  });

  it('resolves a wait once the box reaches the state, and at once if it is there', async () => {
    const boxes = new BoxStates(1);
    await boxes.until(1, (s) => s.locked, 1_000);
    boxes.apply('door-opened', 'info', { box: 1, by: 'remote' });
    let done = false;
    const wait = boxes.until(1, (s) => s.locked, 1_000).then(() => (done = true));
    boxes.apply('code-accepted', 'info', { box: 1 });
    await Promise.resolve();
    expect(done).toBe(false);
    boxes.apply('door-closed', 'info', { box: 1, itemPresent: true });
    await wait;
    expect(done).toBe(true);
  });

  it('rejects a wait that times out', async () => {
    const boxes = new BoxStates(1);
    await expect(boxes.until(1, (s) => !s.locked, 10)).rejects.toThrow('box 1');
  });

  it('collects the warnings and alarms the agent raises', () => {
    const boxes = new BoxStates(1);
    boxes.apply('item-left-after-pickup', 'warning', { box: 1, credential: 'x' });
    boxes.apply('board-unreachable', 'alarm', { board: 0, reason: 'timeout' });
    expect(boxes.unexpected).toEqual(['item-left-after-pickup 1', 'board-unreachable']);
  });
});
