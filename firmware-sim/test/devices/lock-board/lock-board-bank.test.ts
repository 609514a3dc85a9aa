import { connect, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ManualClock } from '@hameau/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LockBoardBank } from '../../../src/devices/lock-board/lock-board-bank.js';
import { encodeStatusReply } from '../../../src/devices/lock-board/lock-board-frame.js';
import type { LockBoardBankOptionsInput } from '../../../src/devices/lock-board/lock-board-options.js';
import type { UnlockRecord } from '../../../src/devices/lock-board/sim-lock-board.js';
import { memoryLinkPair } from '../../../src/transport/memory-link.js';
import { SocatPtyPair } from '../../../src/transport/socat-pty-pair.js';
import { until } from '../../line-client.js';
import { flush, hex, silentLog } from '../../meter-fixtures.js';
import { SerialClient } from '../../serial-client.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-lock-bank-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Every door shut, items where told. */
const shut = Array.from({ length: 16 }, () => true);
const items = (...on: number[]) => Array.from({ length: 16 }, (_, i) => on.includes(i));
/** 5 + 9 bytes at 19,200 8N1 plus the 2 ms turnaround. */
const POLL_MS = 9.3;

/** A bank on an in-memory line, and the agent's end of it collecting every byte received. */
async function memoryBank(options: Partial<LockBoardBankOptionsInput> = {}) {
  const clock = new ManualClock(0);
  const [simEnd, agentEnd] = memoryLinkPair();
  const bank = new LockBoardBank(
    {
      id: 'bank',
      pty: '/unused',
      boards: [{ address: 0 }, { address: 2, items: [3] }],
      ...options,
    },
    { clock, log: silentLog },
    { link: simEnd },
  );
  cleanups.push(() => bank.stop());
  await bank.start();
  const received: Buffer[] = [];
  agentEnd.onData((chunk) => received.push(chunk));
  const send = async (text: string) => {
    agentEnd.write(hex(text));
    await flush();
  };
  const bytes = () => Buffer.concat(received);
  return { clock, bank, agentEnd, received, send, bytes };
}

describe('LockBoardBank on a serial line', () => {
  it('answers a status request after its wire time, with the board address', async () => {
    const { clock, send, bytes } = await memoryBank();
    await send('02 20 30 03 55');
    await clock.advance(9);
    expect(bytes()).toEqual(Buffer.alloc(0));
    await clock.advance(0.5);
    expect(bytes()).toEqual(encodeStatusReply(2, shut, items(3)));
    expect(bytes()).toEqual(hex('02 20 30 ff ff 08 00 03 5b'));
  });

  it('never answers an unlock; the door springs open after springMs and stays open until closed', async () => {
    const { clock, bank, send, bytes } = await memoryBank({ timing: false });
    const heard: UnlockRecord[] = [];
    bank.onUnlock((r) => heard.push(r));
    await clock.advance(1_000);
    await send('02 25 31 03 5b');
    expect(heard).toEqual([{ board: 2, lock: 5, at: 1_000, effect: 'opens' }]);
    expect(bank.isLocked(2, 5)).toBe(true);
    await clock.advance(49);
    expect(bank.isLocked(2, 5)).toBe(true);
    await clock.advance(1);
    expect(bank.isLocked(2, 5)).toBe(false);
    await clock.advance(60_000);
    expect(bank.isLocked(2, 5)).toBe(false);
    expect(bytes()).toEqual(Buffer.alloc(0));

    await send('02 20 30 03 55');
    const open = shut.map((v, i) => i !== 5);
    expect(bytes()).toEqual(encodeStatusReply(2, open, items(3)));

    bank.closeDoor(2, 5);
    expect(bank.isLocked(2, 5)).toBe(true);
    // A pulse on an open door is recorded as such.
    bank.forceOpen(2, 5);
    await send('02 25 31 03 5b');
    expect(bank.unlocks.at(-1)).toMatchObject({ board: 2, lock: 5, effect: 'already-open' });
  });

  it('reports items placed and removed and doors forced open', async () => {
    const { bank, send, bytes, received } = await memoryBank({ timing: false });
    bank.placeItem(0, 15);
    bank.removeItem(2, 3);
    bank.forceOpen(0, 0);
    await send('02 00 30 03 35');
    await send('02 20 30 03 55');
    expect(received).toHaveLength(2);
    expect(bytes()).toEqual(
      Buffer.concat([
        encodeStatusReply(
          0,
          shut.map((v, i) => i !== 0),
          items(15),
        ),
        encodeStatusReply(2, shut, items()),
      ]),
    );
    expect(bank.unlocks).toEqual([]);
  });

  it('ignores boards it does not have, status requests with a lock nibble and unknown commands', async () => {
    const { bank, send, bytes } = await memoryBank({ timing: false });
    await send('02 10 30 03 45'); // board 1 is not on this bank
    await send('02 21 30 03 56'); // a status request naming lock 1
    await send('02 20 3f 03 64'); // an unknown command
    await send('02 11 31 03 47'); // unlock on the missing board
    expect(bytes()).toEqual(Buffer.alloc(0));
    expect(bank.requests).toBe(4);
    expect(bank.unlocks).toEqual([]);
  });

  it('drops noise and frames with a bad SUM', async () => {
    const { bank, send, bytes } = await memoryBank({ timing: false });
    await send('ff 02 20 30 03 56 ee 02 20 30 03 55');
    expect(bytes()).toEqual(encodeStatusReply(2, shut, items(3)));
    expect(bank.requests).toBe(1);
    expect(bank.droppedBytes).toBe(7);
  });

  it('delays replies by the frame time of its own line settings', async () => {
    const { clock, send, bytes } = await memoryBank({ baud: 9_600, parity: 'even' });
    await send('02 00 30 03 35');
    // 14 × 11 bits / 9600 + 2 ms = 18.04 ms.
    await clock.advance(18);
    expect(bytes()).toEqual(Buffer.alloc(0));
    await clock.advance(0.1);
    expect(bytes()).toHaveLength(9);
  });
});

describe('board faults', () => {
  it('silent: no reply and no unlock, then answers again', async () => {
    const { clock, bank, send, bytes } = await memoryBank({ timing: false });
    bank.injectBoardFault(2, { mode: 'silent', durationMs: 1_000 });
    await send('02 20 30 03 55');
    await send('02 25 31 03 5b');
    await clock.advance(500);
    expect(bytes()).toEqual(Buffer.alloc(0));
    expect(bank.isLocked(2, 5)).toBe(true);
    expect(bank.unlocks).toEqual([]);
    // Board 0 is not affected.
    await send('02 00 30 03 35');
    expect(bytes()).toHaveLength(9);
    await clock.advance(500);
    await send('02 20 30 03 55');
    expect(bytes()).toHaveLength(18);
  });

  it('bad-checksum for one reply, then good ones', async () => {
    const { bank, send, received } = await memoryBank({ timing: false });
    bank.injectBoardFault(2, { mode: 'bad-checksum', replies: 1 });
    await send('02 20 30 03 55');
    await send('02 20 30 03 55');
    const good = encodeStatusReply(2, shut, items(3));
    expect(received).toEqual([encodeStatusReply(2, shut, items(3), { corruptSum: true }), good]);
    expect(received[0]?.[8]).not.toBe(good[8]);
    expect(bank.board(2).faults.reply).toBeNull();
  });

  it('stuck-lock: the frame is heard, the door stays shut; other locks open', async () => {
    const { clock, bank, send } = await memoryBank({ timing: false });
    bank.injectBoardFault(0, { mode: 'stuck-lock', lock: 4 });
    await send('02 04 31 03 3a');
    await send('02 05 31 03 3b');
    await clock.advance(100);
    expect(bank.isLocked(0, 4)).toBe(true);
    expect(bank.isLocked(0, 5)).toBe(false);
    expect(bank.unlocks.map((u) => [u.lock, u.effect])).toEqual([
      [4, 'stuck'],
      [5, 'opens'],
    ]);
    bank.clearBoardFaults(0);
    await send('02 04 31 03 3a');
    await clock.advance(50);
    expect(bank.isLocked(0, 4)).toBe(false);
  });

  it('delay: replies come late, on top of the wire time', async () => {
    const { clock, bank, send, bytes } = await memoryBank();
    bank.injectBoardFault(0, { mode: 'delay', delayMs: 200 });
    await send('02 00 30 03 35');
    await clock.advance(200);
    expect(bytes()).toHaveLength(0);
    await clock.advance(POLL_MS);
    expect(bytes()).toHaveLength(9);
  });

  it('runs a scheduled fault list on the device clock', async () => {
    const { clock, bank, send, bytes } = await memoryBank({
      timing: false,
      boards: [{ address: 0, faults: [{ mode: 'silent', atMs: 1_000, durationMs: 500 }] }],
    });
    await send('02 00 30 03 35');
    expect(bytes()).toHaveLength(9);
    await clock.advance(1_000);
    expect(bank.board(0).faults.silent).toBe(true);
    await send('02 00 30 03 35');
    expect(bytes()).toHaveLength(9);
    await clock.advance(500);
    await send('02 00 30 03 35');
    expect(bytes()).toHaveLength(18);
  });

  it('refuses a bad fault with a ConfigError', async () => {
    const { bank } = await memoryBank();
    expect(() => {
      bank.injectBoardFault(0, { mode: 'stuck-lock', lock: 16 });
    }).toThrow(ConfigError);
  });

  it('garbage on the whole bus: noise in place of every reply', async () => {
    const { bank, send, bytes } = await memoryBank({ timing: false });
    bank.inject({ mode: 'garbage' });
    await send('02 00 30 03 35');
    const noise = bytes();
    expect(noise.length).toBeGreaterThan(0);
    expect(noise).not.toEqual(encodeStatusReply(0, shut, items()));
  });
});

describe('LockBoardBank options', () => {
  const clock = new ManualClock();
  const build = (options: LockBoardBankOptionsInput) => () =>
    new LockBoardBank(options, { clock, log: silentLog });

  it('lists every problem', () => {
    expect(build({ id: 'b', boards: [{ address: 1 }, { address: 1, items: [16] }] })).toThrow(
      ConfigError,
    );
    try {
      build({ id: 'b', boards: [{ address: 1 }, { address: 1, items: [16] }] })();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'boards.1.items.0: a lock 0-15',
        'tcp: give tcp (a gateway), pty (socat is started), serial (an existing device), or tcp with one of them',
        'boards.1.address: address 1 is already the address of boards[0]',
      ]);
    }
    expect(build({ id: 'b', pty: '/a', serial: '/b', boards: [{ address: 0 }] })).toThrow(
      /give pty or serial, not both/,
    );
    expect(build({ id: 'b', tcp: {}, boards: [{ address: 16 }] })).toThrow(/a board address 0-15/);
  });
});

describe('LockBoardBank over TCP', () => {
  async function tcpBank() {
    const clock = new ManualClock(0);
    const bank = new LockBoardBank(
      { id: 'gw', tcp: {}, timing: false, boards: [{ address: 1, items: [0] }] },
      { clock, log: silentLog },
    );
    cleanups.push(() => bank.stop());
    const { endpoints } = await bank.start();
    const [endpoint] = endpoints;
    if (endpoint?.transport !== 'tcp') throw new Error('expected a tcp endpoint');
    return { clock, bank, port: endpoint.port };
  }

  async function client(port: number) {
    const socket: Socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])));
    let closed = false;
    socket.on('close', () => (closed = true));
    cleanups.push(async () => {
      socket.destroy();
      await flush();
    });
    return { socket, data: () => data, closed: () => closed };
  }

  it('serves raw frames as a serial gateway does', async () => {
    const { port } = await tcpBank();
    const c = await client(port);
    c.socket.write(hex('02 10 30 03 45'));
    await until(() => c.data().length === 9);
    expect(c.data()).toEqual(encodeStatusReply(1, shut, items(0)));
  });

  it('a disconnect fault drops clients and refuses new ones while it lasts', async () => {
    const { clock, bank, port } = await tcpBank();
    const first = await client(port);
    await until(() => bank.connections === 1);
    bank.inject({ mode: 'disconnect', durationMs: 1_000 });
    await until(() => first.closed());
    const refused = await client(port);
    await until(() => refused.closed());
    await clock.advance(1_000);
    const again = await client(port);
    again.socket.write(hex('02 10 30 03 45'));
    await until(() => again.data().length === 9);
  });
});

describe('LockBoardBank on a pty', () => {
  it('makes its own socat pair and serves the agent end', async () => {
    const path = join(dir, 'locks-a');
    const clock = new ManualClock(0);
    const bank = new LockBoardBank(
      { id: 'locks', pty: path, timing: false, boards: [{ address: 3 }] },
      { clock, log: silentLog },
    );
    cleanups.push(() => bank.stop());
    const { endpoints } = await bank.start();
    expect(endpoints).toEqual([{ transport: 'pty', path }]);
    const agent = await SerialClient.open(path, 19_200);
    cleanups.push(() => agent.close());
    agent.write(hex('02 30 30 03 65'));
    expect(await agent.read(9)).toEqual(encodeStatusReply(3, shut, items()));
    agent.write(hex('02 3a 31 03 70'));
    await until(() => bank.unlocks.length === 1);
    expect(bank.unlocks[0]).toMatchObject({ board: 3, lock: 10, effect: 'opens' });
    await bank.stop();
    // socat is gone and so are its links.
    await until(() => !existsSync(path));
  });

  it('opens one end of a pair the test made (serial + peer)', async () => {
    const simPath = join(dir, 'sim-b');
    const agentPath = join(dir, 'agent-b');
    const pair = await SocatPtyPair.open(simPath, agentPath);
    cleanups.push(() => pair.close());
    const bank = new LockBoardBank(
      { id: 'locks', serial: simPath, peer: agentPath, timing: false, boards: [{ address: 0 }] },
      { clock: new ManualClock(0), log: silentLog },
    );
    cleanups.push(() => bank.stop());
    const { endpoints } = await bank.start();
    expect(endpoints).toEqual([{ transport: 'pty', path: agentPath }]);
    const agent = await SerialClient.open(agentPath, 19_200);
    cleanups.push(() => agent.close());
    agent.write(hex('02 00 30 03 35'));
    expect(await agent.read(9)).toEqual(hex('02 00 30 ff ff 00 00 03 33'));
  });
});
