import { expect, it } from 'vitest';
import { ManualClock, sleep } from '@hameau/protocol';
import { BusQueue } from '../../../../src/modules/metering/poller/bus-queue.js';

it('runs jobs one at a time, in the order they were queued', async () => {
  const clock = new ManualClock(0);
  const queue = new BusQueue();
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const job = (name: string, ms: number) => async () => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    log.push(`${name} start ${clock.now()}`);
    await sleep(clock, ms);
    log.push(`${name} end ${clock.now()}`);
    running--;
    return name;
  };
  const results = [queue.run(job('a', 30)), queue.run(job('b', 10)), queue.run(job('c', 20))];
  expect(queue.size).toBe(3);
  await clock.advance(0); // the first job starts
  await clock.advance(100);
  expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
  expect(maxRunning).toBe(1);
  expect(log).toEqual([
    'a start 0',
    'a end 30',
    'b start 30',
    'b end 40',
    'c start 40',
    'c end 60',
  ]);
  expect(queue.size).toBe(0);
});

it('does not let a failed job hold up the next one', async () => {
  const queue = new BusQueue();
  const failed = queue.run(() => Promise.reject(new Error('garbage')));
  const next = queue.run(() => Promise.resolve('next'));
  await expect(failed).rejects.toThrow('garbage');
  await expect(next).resolves.toBe('next');
  await queue.drain();
  expect(queue.size).toBe(0);
});
