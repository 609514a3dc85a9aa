import { describe, expect, it } from 'vitest';
import { KeyedSerialQueue } from '../../src/mqtt/keyed-serial-queue.js';
import { RerunWhileAsked } from '../../src/mqtt/rerun-while-asked.js';

/** A promise and the functions that settle it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('KeyedSerialQueue', () => {
  it('runs a key’s tasks one after the other, other keys beside them, and forgets drained keys', async () => {
    const queue = new KeyedSerialQueue();
    const order: string[] = [];
    const first = deferred();
    const a1 = queue.run('a', async () => {
      await first.promise;
      order.push('a1');
    });
    const a2 = queue.run('a', () => {
      order.push('a2');
      return Promise.resolve();
    });
    await queue.run('b', () => {
      order.push('b1');
      return Promise.resolve();
    });
    expect(order).toEqual(['b1']);
    first.resolve();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
    await new Promise((r) => setImmediate(r));
    expect(queue.busyKeys).toBe(0);
  });

  it('hands a rejection to its caller and still runs what was queued after it', async () => {
    const queue = new KeyedSerialQueue();
    const failing = queue.run('a', () => Promise.reject(new Error('broker gone')));
    const next = queue.run('a', () => Promise.resolve(7));
    await expect(failing).rejects.toThrow('broker gone');
    await expect(next).resolves.toBe(7);
  });
});

describe('RerunWhileAsked', () => {
  it('runs once more for requests made during a run, and gives every request the total', async () => {
    const gates = [deferred<number>(), deferred<number>()];
    let runs = 0;
    const job = new RerunWhileAsked({
      once: () => (gates[runs++] ?? deferred<number>()).promise,
      add: (a, b) => a + b,
      zero: 0,
      stopped: () => false,
    });
    const first = job.request();
    const second = job.request();
    const third = job.request();
    gates[0]?.resolve(2);
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(2);
    gates[1]?.resolve(3);
    expect(await Promise.all([first, second, third])).toEqual([5, 5, 5]);
    expect(runs).toBe(2);
  });

  it('does not run again once stopped', async () => {
    let stopped = false;
    let runs = 0;
    const gate = deferred<number>();
    const job = new RerunWhileAsked({
      once: () => {
        runs++;
        return gate.promise;
      },
      add: (a, b) => a + b,
      zero: 0,
      stopped: () => stopped,
    });
    const first = job.request();
    void job.request();
    stopped = true;
    gate.resolve(1);
    await expect(first).resolves.toBe(1);
    expect(runs).toBe(1);
  });
});
