import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KerongBus, KerongBusConfig } from '@hameau/edge-agent';
import { systemClock } from '@hameau/protocol';
import { addressOf, BenchBank } from '../../src/locker/bench-bank.js';
import { measureDriver } from '../../src/locker/driver-baseline.js';

const log = pino({ level: 'silent' });

// The real pieces on real time: the simulated boards behind socat, the driver on the pty.
describe('the driver baseline on a socat pty', () => {
  let bank: BenchBank;

  beforeAll(async () => {
    bank = await BenchBank.start(1, log);
  });

  afterAll(async () => {
    await bank.stop();
  });

  it('times each unlock to its frame and leaves every door shut', async () => {
    const r = await measureDriver(
      bank,
      1,
      { samples: 4, warmup: 1, log: () => undefined, cloudPid: null },
      log,
    );
    expect(r.failures).toEqual([]);
    expect(r.samplesMs).toHaveLength(4);
    for (const ms of r.samplesMs) expect(ms).toBeGreaterThan(0);
    expect(bank.strays).toEqual([]);
    expect(bank.allLocked()).toBe(true);
  });

  it('counts a frame nobody waited for as a stray, and times out a wait for none', async () => {
    const config = KerongBusConfig.parse({
      transport: { type: 'serial', path: bank.path },
      boards: [0],
    });
    const bus = new KerongBus({ config, clock: systemClock, log });
    await bus.start();
    try {
      const wait = bank.expectUnlock(5, 300);
      await bus.unlock(addressOf(7));
      await expect(wait.at).rejects.toThrow('no unlock frame for box 5');
      expect(bank.strays).toEqual([{ board: 0, lock: 6 }]);
      await bank.untilOpen(7, 1_000);
      bank.closeDoor(7);
    } finally {
      await bus.stop();
    }
  });
});
