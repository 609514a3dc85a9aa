import { describe, expect, it } from 'vitest';
import { LampNodeGroup, writeSingleRequestPdu } from '@hameau/firmware-sim';
import { ManualClock } from '@hameau/protocol';
import { expectLevel } from '../../src/lighting/register-watch.js';

function group() {
  return new LampNodeGroup(
    {
      id: 'cabinet',
      tcp: {},
      nodes: [
        { id: 'a', unit: 1, level: 0 },
        { id: 'b', unit: 2, level: 0 },
      ],
    },
    { clock: new ManualClock() },
  );
}

const write = (g: LampNodeGroup, id: string, level: number) =>
  g.node(id).answer(writeSingleRequestPdu(0, level));

describe('expectLevel', () => {
  it('resolves when the last node has the level written, at the time of that write', async () => {
    const g = group();
    const wait = expectLevel(g, ['a', 'b'], 37, 5_000);
    const before = performance.now();
    write(g, 'a', 37);
    // Another level, or a node not awaited, does not count.
    write(g, 'b', 63);
    await Promise.resolve();
    const between = performance.now();
    write(g, 'b', 37);
    const after = performance.now();
    const at = await wait.at;
    expect(at).toBeGreaterThanOrEqual(between);
    expect(at).toBeLessThanOrEqual(after);
    expect(at).toBeGreaterThan(before);
  });

  it('fails naming the nodes not written in time, and stops listening once cancelled', async () => {
    const g = group();
    const wait = expectLevel(g, ['a', 'b'], 37, 20);
    write(g, 'a', 37);
    await expect(wait.at).rejects.toThrow('level 37 not written to b within 20 ms');
    const cancelled = expectLevel(g, ['a'], 63, 5_000);
    cancelled.cancel();
    write(g, 'a', 63);
    const outcome = await Promise.race([
      cancelled.at.then(() => 'resolved'),
      new Promise((resolve) => {
        setTimeout(() => {
          resolve('pending');
        }, 20);
      }),
    ]);
    expect(outcome).toBe('pending');
  });
});
