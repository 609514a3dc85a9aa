import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockBoardBank, SocatPtyPair } from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KerongBusConfig } from '../../../../src/modules/locker/board/kerong-bus-config.js';
import { KerongBus } from '../../../../src/modules/locker/board/kerong-bus.js';
import { recordBus, type BusEvent } from './helpers/bus-recorder.js';

/**
 * The bus driver on a real serial device: a socat pty pair, the firmware-sim bank on one end
 * (with its wire timing at 19,200 8N1) and the driver's `serialport` transport on the other,
 * on the system clock with event-driven waits.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-kerong-pty-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const silent = pino({ level: 'silent' });
const poll = { timeout: 5_000, interval: 5 };
const count = (events: BusEvent[], on: BusEvent['on']) => events.filter((e) => e.on === on).length;

/** A pty pair, and the bank on its simulator end; `close` pulls the cable out. */
async function line(name: string) {
  const simPath = join(dir, `${name}-sim`);
  const agentPath = join(dir, `${name}-agent`);
  const pair = await SocatPtyPair.open(simPath, agentPath);
  const bank = new LockBoardBank(
    {
      id: 'lockers',
      serial: simPath,
      peer: agentPath,
      springMs: 20,
      boards: [{ address: 0 }, { address: 3, items: [15] }],
    },
    { clock: systemClock, log: silent },
  );
  await bank.start();
  const close = async () => {
    await bank.stop();
    await pair.close();
  };
  cleanups.push(close);
  return { bank, agentPath, close };
}

function serialBus(path: string) {
  const config = KerongBusConfig.parse({
    transport: { type: 'serial', path },
    boards: [0, 3],
    pollMs: 50,
    reconnect: { minMs: 20, maxMs: 100 },
  });
  const bus = new KerongBus({ config, clock: systemClock, log: silent });
  cleanups.push(() => bus.stop());
  const events = recordBus(bus);
  return { bus, events };
}

describe('KerongBus on a socat pty pair', () => {
  it('opens a door, reports it, and keeps polling the others while one board is silent', async () => {
    const { bank, agentPath } = await line('a');
    const { bus, events } = serialBus(agentPath);
    await bus.start();
    await expect.poll(() => bus.lastStatus(3)?.itemPresent[15], poll).toBe(true);

    await bus.unlock({ board: 3, lock: 15 });
    await expect
      .poll(() => events, poll)
      .toContainEqual({
        on: 'changes',
        board: 3,
        changes: ['door-opened 3/15'],
      });
    expect(bank.unlocks).toMatchObject([{ board: 3, lock: 15, effect: 'opens' }]);

    bank.injectBoardFault(3, { mode: 'silent' });
    await expect.poll(() => count(events, 'unreachable'), poll).toBe(1);
    expect(events.at(-1)).toEqual({
      on: 'unreachable',
      board: 3,
      reason: 'board 3: no reply within 100 ms',
    });
    bank.placeItem(0, 1);
    await expect
      .poll(() => events.at(-1), poll)
      .toEqual({
        on: 'changes',
        board: 0,
        changes: ['item-placed 0/1'],
      });
    bank.clearBoardFaults(3);
    await expect.poll(() => count(events, 'recovered'), poll).toBe(1);
    expect(bus.lastStatus(3)?.locked[15]).toBe(false);
  });

  it('a bad checksum is retried and the board stays reachable', async () => {
    const { bank, agentPath } = await line('b');
    const { bus, events } = serialBus(agentPath);
    await bus.start();
    await expect.poll(() => bus.lastStatus(0), poll).not.toBeNull();
    const before = bank.requests;
    bank.injectBoardFault(0, { mode: 'bad-checksum', replies: 1 });
    await expect.poll(() => bank.board(0).faults.reply, poll).toBeNull();
    const status = await bus.readStatus(0);
    expect(status.board).toBe(0);
    expect(bank.requests).toBeGreaterThan(before);
    expect(events).toEqual([]);
  });

  it('the device vanishes and comes back: boards unknown, then recovered, same bus', async () => {
    const first = await line('c');
    const { bus, events } = serialBus(first.agentPath);
    await bus.start();
    await expect.poll(() => bus.lastStatus(0), poll).not.toBeNull();
    // The adapter is pulled out: socat and its links go away.
    await first.close();
    await expect.poll(() => count(events, 'unreachable'), poll).toBe(2);
    expect(bus.linkUp).toBe(false);
    // Plugged back in under the same path.
    await line('c');
    await expect.poll(() => count(events, 'recovered'), poll).toBe(2);
    expect(bus.linkUp).toBe(true);
  });
});
