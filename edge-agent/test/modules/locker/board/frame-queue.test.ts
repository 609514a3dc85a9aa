import { describe, expect, it } from 'vitest';
import { FrameQueue } from '../../../../src/modules/locker/board/frame-queue.js';

/** A job that finishes when the test says so. */
function gate() {
  let open: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { done, open };
}

describe('FrameQueue', () => {
  it('runs one job at a time, unlocks before waiting status reads', async () => {
    const queue = new FrameQueue();
    const order: string[] = [];
    const first = gate();
    const running = queue.run('status', async () => {
      order.push('poll 0');
      await first.done;
    });
    const rest = [
      queue.run('status', () => Promise.resolve(order.push('poll 1'))),
      queue.run('status', () => Promise.resolve(order.push('poll 2'))),
      queue.run('unlock', () => Promise.resolve(order.push('unlock a'))),
      queue.run('unlock', () => Promise.resolve(order.push('unlock b'))),
    ];
    await Promise.resolve();
    expect(order).toEqual(['poll 0']);
    expect(queue.waiting).toBe(4);
    first.open();
    await Promise.all([running, ...rest]);
    expect(order).toEqual(['poll 0', 'unlock a', 'unlock b', 'poll 1', 'poll 2']);
  });

  it('passes results and failures through, and keeps going after a failure', async () => {
    const queue = new FrameQueue();
    const failing = queue.run('status', () => Promise.reject(new Error('timeout')));
    const throwing = queue.run('status', () => {
      throw new Error('sync');
    });
    const ok = queue.run('status', () => Promise.resolve(42));
    await expect(failing).rejects.toThrow('timeout');
    await expect(throwing).rejects.toThrow('sync');
    expect(await ok).toBe(42);
  });

  it('rejects waiting and later jobs once closed', async () => {
    const queue = new FrameQueue();
    const first = gate();
    const running = queue.run('status', () => first.done);
    const waiting = queue.run('unlock', () => Promise.resolve('never'));
    queue.close(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    await expect(queue.run('status', () => Promise.resolve(1))).rejects.toThrow('stopped');
    first.open();
    await running;
  });
});
