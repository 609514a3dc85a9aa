import { LockBoardBank, type LockBoardBankOptionsInput } from '@hameau/firmware-sim';
import { ManualClock } from '@hameau/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardFailure } from '../../../../src/modules/locker/board/board-failure.js';
import {
  KerongBusConfig,
  type KerongBusConfigInput,
} from '../../../../src/modules/locker/board/kerong-bus-config.js';
import { KerongBus } from '../../../../src/modules/locker/board/kerong-bus.js';
import { recordBus } from './helpers/bus-recorder.js';
import { MemoryTransport } from './helpers/memory-transport.js';

/**
 * The bus driver against the firmware-sim lock boards on an in-memory line, everything on one
 * ManualClock: the simulator's wire time (9.29 ms a poll at 19,200 8N1 with its 2 ms turnaround),
 * the reply timeouts, the polling rounds and the reconnect backoff are all exact.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const silent = pino({ level: 'silent' });
/** One status poll on the simulated line: 14 bytes × 10 bits / 19,200 + 2 ms. */
const POLL_MS = (14 * 10 * 1000) / 19_200 + 2;
const hex = (text: string) => text.replace(/\s/g, '');
const statusRequest = (board: number) =>
  hex(`02 ${board.toString(16)}0 30 03`) + sum(board << 4, 0x30);
const unlockFrame = (board: number, lock: number) =>
  hex(`02 ${((board << 4) | lock).toString(16).padStart(2, '0')} 31 03`) +
  sum((board << 4) | lock, 0x31);
function sum(address: number, command: number): string {
  return ((0x02 + address + command + 0x03) & 0xff).toString(16).padStart(2, '0');
}

interface Setup {
  readonly bank?: Partial<LockBoardBankOptionsInput>;
  readonly bus?: Partial<KerongBusConfigInput>;
  /** Openings of the transport that fail before one succeeds. */
  readonly refuseOpens?: number;
  readonly start?: boolean;
}

async function setup(options: Setup = {}) {
  const clock = new ManualClock(0);
  const transport = new MemoryTransport(clock);
  transport.refuseOpens = options.refuseOpens ?? 0;
  const bank = new LockBoardBank(
    {
      id: 'bank',
      pty: '/unused',
      boards: [{ address: 0 }, { address: 1, items: [2] }, { address: 2 }],
      ...options.bank,
    },
    { clock, log: silent },
    { link: transport.peer },
  );
  await bank.start();
  cleanups.push(() => bank.stop());
  const config = KerongBusConfig.parse({
    transport: { type: 'serial', path: '/unused' },
    boards: [0, 1, 2],
    ...options.bus,
  });
  const bus = new KerongBus({ config, clock, log: silent, transport });
  cleanups.push(() => bus.stop());
  const events = recordBus(bus);
  if (options.start !== false) await bus.start();
  return { clock, transport, bank, bus, events };
}

describe('KerongBus polling', () => {
  it('polls every board each round; the first statuses are a baseline, not changes', async () => {
    const { clock, transport, bus, events } = await setup();
    await clock.advance(3 * POLL_MS);
    expect(transport.frames).toEqual([0, 1, 2].map(statusRequest));
    expect(bus.lastStatus(1)).toEqual({
      board: 1,
      locked: Array.from({ length: 16 }, () => true),
      itemPresent: Array.from({ length: 16 }, (_, i) => i === 2),
    });
    expect(events).toEqual([]);
    // The next round starts 250 ms after this one started.
    await clock.advance(249 - 3 * POLL_MS);
    expect(transport.frames).toHaveLength(3);
    await clock.advance(1);
    expect(transport.frames).toHaveLength(4);
  });

  it('an unlock opens the door, and the next poll reports it; then closing and items', async () => {
    const { clock, transport, bank, bus, events } = await setup();
    await clock.advance(50);
    await bus.unlock({ board: 2, lock: 5 });
    expect(transport.frames.at(-1)).toBe('022531035b');
    await Promise.resolve();
    expect(bank.unlocks).toEqual([{ board: 2, lock: 5, at: 50, effect: 'opens' }]);
    expect(events).toEqual([]);
    // The door sprang open at 100; the round of 250 sees it.
    await clock.advance(200 + 3 * POLL_MS + 1);
    expect(events).toEqual([{ on: 'changes', board: 2, changes: ['door-opened 2/5'] }]);
    expect(bus.lastStatus(2)?.locked[5]).toBe(false);

    bank.closeDoor(2, 5);
    bank.placeItem(0, 7);
    bank.removeItem(1, 2);
    await clock.advance(250);
    expect(events.slice(1)).toEqual([
      { on: 'changes', board: 0, changes: ['item-placed 0/7'] },
      { on: 'changes', board: 1, changes: ['item-removed 1/2'] },
      { on: 'changes', board: 2, changes: ['door-closed 2/5'] },
    ]);
  });

  it('unlocks go ahead of queued polls and wait only for the frame on the wire', async () => {
    const { clock, transport, bus } = await setup();
    // The round's first poll is on the wire; boards 1 and 2 wait in the queue.
    let sent = false;
    const unlock = bus.unlock({ board: 1, lock: 3 }).then(() => (sent = true));
    await Promise.resolve();
    expect(sent).toBe(false);
    await clock.advance(POLL_MS);
    await unlock;
    expect(clock.now()).toBeCloseTo(POLL_MS, 6);
    await clock.advance(2 * POLL_MS);
    expect(transport.frames).toEqual([
      statusRequest(0),
      unlockFrame(1, 3),
      statusRequest(1),
      statusRequest(2),
    ]);
  });

  it('a bad checksum is retried at once, and the good reply that follows is taken', async () => {
    const { clock, transport, bank, bus, events } = await setup();
    await clock.advance(50);
    bank.injectBoardFault(1, { mode: 'bad-checksum', replies: 1 });
    let read: unknown = null;
    void bus.readStatus(1).then((status) => (read = status));
    // The request reaches the simulator first (a microtask); then two polls' time: no reply
    // timeout was waited for.
    await clock.advance(0);
    await clock.advance(2 * POLL_MS + 0.1);
    expect(read).toMatchObject({ board: 1 });
    expect(transport.frames.slice(3)).toEqual([statusRequest(1), statusRequest(1)]);
    expect(events).toEqual([]);
  });

  it('a late reply from another board is never taken for the awaited one', async () => {
    const { clock, bank, bus, events } = await setup({
      bank: { boards: [{ address: 0 }, { address: 1, items: [2] }] },
      bus: { boards: [0, 1] },
    });
    await clock.advance(50);
    bank.injectBoardFault(0, { mode: 'delay', delayMs: 95 });
    // Round at 250: board 0 times out at 350; its reply comes at 354.3, while board 1's (due at
    // 359.3) is awaited. Taken for board 1's, it would remove board 1's item.
    await clock.advance(320);
    expect(bus.lastStatus(1)?.itemPresent[2]).toBe(true);
    expect(events).toEqual([]);
  });
});

describe('KerongBus unreachable boards', () => {
  it('a silent board is unreachable after its retries, once; the others are still polled', async () => {
    const { clock, transport, bank, bus, events } = await setup();
    const at: number[] = [];
    bus.subscribe({ onUnreachable: () => at.push(clock.now()) });
    await clock.advance(50);
    bank.injectBoardFault(1, { mode: 'silent' });
    await clock.advance(1_000);
    // Round at 250: board 0, board 1 times out, board 2, then board 1's two retries.
    expect(at).toEqual([expect.closeTo(250 + POLL_MS + 100 + POLL_MS + 100 + 100, 6)]);
    expect(events).toEqual([
      { on: 'unreachable', board: 1, reason: 'board 1: no reply within 100 ms' },
    ]);
    expect(bus.lastStatus(1)).toBeNull();
    expect(bus.lastStatus(0)).not.toBeNull();

    const polls = (board: number) => transport.frames.filter((f) => f === statusRequest(board));
    const before = polls(2).length;
    bank.placeItem(2, 9);
    await clock.advance(1_000);
    expect(polls(2).length).toBeGreaterThan(before);
    expect(events.slice(1)).toEqual([{ on: 'changes', board: 2, changes: ['item-placed 2/9'] }]);

    bank.clearBoardFaults(1);
    await clock.advance(1_000);
    expect(events.slice(2)).toEqual([{ on: 'recovered', board: 1, status: bus.lastStatus(1) }]);
    expect(bus.lastStatus(1)?.itemPresent[2]).toBe(true);
  });

  it('never takes a missing reply for a closed door', async () => {
    const { clock, bank, bus, events } = await setup();
    await clock.advance(50);
    bank.forceOpen(0, 3);
    await clock.advance(250);
    expect(events).toEqual([{ on: 'changes', board: 0, changes: ['door-opened 0/3'] }]);
    bank.injectBoardFault(0, { mode: 'silent' });
    // Round at 500: three attempts of 100 ms (and the other boards' polls in between).
    await clock.advance(600);
    expect(bus.lastStatus(0)).toBeNull();
    // Read now, it waits its turn behind the round's polls and their retries.
    const read = bus.readStatus(0).catch((err: unknown) => err);
    await clock.advance(1_000);
    expect(await read).toMatchObject({
      kind: 'timeout',
      message: 'board 0: no reply within 100 ms',
    });
    // Shut while the board was silent: the bus only learns it from the board's next answer.
    bank.closeDoor(0, 3);
    await clock.advance(500);
    expect(events.map((e) => e.on)).toEqual(['changes', 'unreachable']);
    bank.clearBoardFaults(0);
    await clock.advance(250);
    expect(events.map((e) => e.on)).toEqual(['changes', 'unreachable', 'recovered']);
    expect(bus.lastStatus(0)?.locked[3]).toBe(true);
  });

  it('noise on the bus costs the replies it replaces, not the bus', async () => {
    const { clock, bank, bus, events } = await setup();
    await clock.advance(50);
    bank.inject({ mode: 'garbage' });
    // Round at 250: three attempts of 100 ms for each board, taking turns.
    await clock.advance(1_200);
    expect(events.map((e) => [e.on, e.board])).toEqual([
      ['unreachable', 0],
      ['unreachable', 1],
      ['unreachable', 2],
    ]);
    bank.clearFault();
    await clock.advance(500);
    expect(events.slice(3).map((e) => e.on)).toEqual(['recovered', 'recovered', 'recovered']);
    expect(
      events
        .slice(3)
        .map((e) => e.board)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(bus.lastStatus(2)).not.toBeNull();
  });

  it('reads a reply behind noise in the same chunk', async () => {
    const { clock, transport, bus } = await setup({ start: false, bus: { boards: [1] } });
    // Board 1 answers by hand instead of the simulator: noise first, a stray STX included.
    transport.peer.onData((chunk) => {
      if (chunk.toString('hex') !== statusRequest(1)) return;
      transport.peer.write(Buffer.from('ff0213' + '021030ffff04000347', 'hex'));
    });
    await bus.start();
    await clock.advance(1);
    expect(bus.lastStatus(1)?.itemPresent[2]).toBe(true);
  });
});

describe('KerongBus link', () => {
  it('a lost link makes every board unknown, is reopened with a doubling backoff, and recovers', async () => {
    const { clock, transport, bus, events } = await setup();
    await clock.advance(50);
    transport.refuseOpens = 2;
    transport.drop();
    await expect(bus.unlock({ board: 0, lock: 1 })).rejects.toMatchObject({ kind: 'link-down' });
    await clock.advance(250);
    expect(events).toEqual(
      [0, 1, 2].map((board) => ({
        on: 'unreachable',
        board,
        reason: 'link down: device unplugged',
      })),
    );
    expect([0, 1, 2].map((b) => bus.lastStatus(b))).toEqual([null, null, null]);
    await clock.advance(2_000);
    // Reopened 250 ms after the loss (refused), then 500 ms (refused), then 1 s later.
    expect(transport.openedAt).toEqual([0, 300, 800, 1_800]);
    expect(events.slice(3).map((e) => [e.on, e.board])).toEqual([
      ['recovered', 0],
      ['recovered', 1],
      ['recovered', 2],
    ]);
    await bus.unlock({ board: 0, lock: 1 });
    expect(transport.frames.at(-1)).toBe(unlockFrame(0, 1));
  });

  it('starts even when the device is missing, and picks it up when it appears', async () => {
    const { clock, transport, bus, events } = await setup({ start: false, refuseOpens: 1 });
    await bus.start();
    expect(bus.linkUp).toBe(false);
    await clock.advance(0);
    expect(events.map((e) => e.on)).toEqual(['unreachable', 'unreachable', 'unreachable']);
    await clock.advance(250 + 3 * POLL_MS + 1);
    expect(transport.openedAt).toEqual([0, 250]);
    expect(events.map((e) => e.on).slice(3)).toEqual(['recovered', 'recovered', 'recovered']);
  });
});

describe('KerongBus misuse and stop', () => {
  it('refuses boards not on the bus and locks outside 0-15', async () => {
    const { bus } = await setup();
    await expect(bus.unlock({ board: 9, lock: 0 })).rejects.toMatchObject({
      kind: 'unknown-board',
      message: 'board 9 is not configured on this bus',
    });
    await expect(bus.readStatus(9)).rejects.toBeInstanceOf(BoardFailure);
    await expect(bus.unlock({ board: 0, lock: 16 })).rejects.toThrow(RangeError);
    expect(bus.lastStatus(9)).toBeNull();
  });

  it('a read before start fails without judging the board', async () => {
    const { bus, events } = await setup({ start: false });
    await expect(bus.readStatus(0)).rejects.toMatchObject({ kind: 'link-down' });
    expect(events).toEqual([]);
  });

  it('stop fails waiting requests, reports no board as unreachable and writes nothing more', async () => {
    const { clock, transport, bus, events } = await setup();
    const waiting = bus.readStatus(2);
    await bus.stop();
    await expect(waiting).rejects.toMatchObject({ kind: 'stopped' });
    await expect(bus.unlock({ board: 0, lock: 0 })).rejects.toMatchObject({ kind: 'stopped' });
    const written = transport.frames.length;
    await clock.advance(5_000);
    expect(transport.frames).toHaveLength(written);
    expect(events).toEqual([]);
  });

  it('a listener that throws does not stop the others', async () => {
    const { clock, bank, bus } = await setup();
    bus.subscribe({
      onChanges: () => {
        throw new Error('listener bug');
      },
    });
    const seen: string[] = [];
    const unsubscribe = bus.subscribe({ onChanges: (board) => seen.push(`board ${board}`) });
    await clock.advance(50);
    bank.forceOpen(1, 0);
    await clock.advance(250);
    expect(seen).toEqual(['board 1']);
    unsubscribe();
    bank.closeDoor(1, 0);
    await clock.advance(250);
    expect(seen).toEqual(['board 1']);
  });
});
