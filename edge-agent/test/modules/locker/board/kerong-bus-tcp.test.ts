import { createServer, type Socket } from 'node:net';
import { LockBoardBank } from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { KerongBusConfig } from '../../../../src/modules/locker/board/kerong-bus-config.js';
import { KerongBus } from '../../../../src/modules/locker/board/kerong-bus.js';
import { TcpByteTransport } from '../../../../src/modules/locker/board/tcp-byte-transport.js';
import { recordBus, type BusEvent } from './helpers/bus-recorder.js';

/**
 * The bus driver through a TCP RS485 gateway (the firmware-sim bank on an ephemeral port), on
 * the system clock: waits are on events, never on fixed sleeps.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const silent = pino({ level: 'silent' });
const poll = { timeout: 5_000, interval: 5 };
const count = (events: BusEvent[], on: BusEvent['on']) => events.filter((e) => e.on === on).length;

async function gateway() {
  const bank = new LockBoardBank(
    { id: 'gw', tcp: {}, springMs: 20, boards: [{ address: 0 }, { address: 1, items: [4] }] },
    { clock: systemClock, log: silent },
  );
  cleanups.push(() => bank.stop());
  const { endpoints } = await bank.start();
  const [endpoint] = endpoints;
  if (endpoint?.transport !== 'tcp') throw new Error('expected a tcp endpoint');
  const config = KerongBusConfig.parse({
    transport: { type: 'tcp', host: '127.0.0.1', port: endpoint.port },
    boards: [0, 1],
    pollMs: 50,
    reconnect: { minMs: 20, maxMs: 200 },
  });
  const bus = new KerongBus({ config, clock: systemClock, log: silent });
  cleanups.push(() => bus.stop());
  const events = recordBus(bus);
  await bus.start();
  return { bank, bus, events };
}

describe('KerongBus over a TCP gateway', () => {
  it('an unlock opens the door and the change is reported', async () => {
    const { bank, bus, events } = await gateway();
    await expect.poll(() => bus.lastStatus(1)?.itemPresent[4], poll).toBe(true);
    await bus.unlock({ board: 1, lock: 4 });
    await expect
      .poll(() => events, poll)
      .toContainEqual({
        on: 'changes',
        board: 1,
        changes: ['door-opened 1/4'],
      });
    expect(bank.unlocks).toMatchObject([{ board: 1, lock: 4, effect: 'opens' }]);
    bank.removeItem(1, 4);
    bank.closeDoor(1, 4);
    await expect
      .poll(() => events.at(-1), poll)
      .toEqual({
        on: 'changes',
        board: 1,
        changes: ['door-closed 1/4', 'item-removed 1/4'],
      });
  });

  it('a dropped gateway connection: boards unknown, reconnected, recovered, no agent restart', async () => {
    const { bank, bus, events } = await gateway();
    await expect.poll(() => bus.lastStatus(0), poll).not.toBeNull();
    await expect.poll(() => bank.connections, poll).toBe(1);
    // The gateway drops its clients and refuses new ones for a while.
    bank.inject({ mode: 'disconnect', durationMs: 300 });
    await expect.poll(() => count(events, 'unreachable'), poll).toBe(2);
    expect(bus.lastStatus(0)).toBeNull();
    await expect.poll(() => count(events, 'recovered'), poll).toBe(2);
    expect(bus.linkUp).toBe(true);
    expect(bank.connections).toBe(1);
    // The link works for unlocks again.
    await bus.unlock({ board: 0, lock: 9 });
    await expect.poll(() => bank.unlocks.length, poll).toBe(1);
    expect(
      events
        .filter((e) => e.on === 'unreachable')
        .map((e) => e.board)
        .sort(),
    ).toEqual([0, 1]);
  });
});

describe('TcpByteTransport', () => {
  it('fails to open on a refused connection, with the address in the reason', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise((resolve) => server.close(resolve));
    const transport = new TcpByteTransport(
      { host: '127.0.0.1', port, connectTimeoutMs: 1_000 },
      systemClock,
    );
    await expect(transport.open()).rejects.toThrow(
      `cannot connect to tcp 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(transport.isOpen).toBe(false);
    await expect(transport.write(Buffer.from([2]))).rejects.toThrow('not connected');
  });

  it('reports a connection the peer closes, and not one it closes itself', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => {
            resolve();
          });
        }),
    );
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const transport = new TcpByteTransport(
      { host: '127.0.0.1', port, connectTimeoutMs: 1_000 },
      systemClock,
    );
    const closes: string[] = [];
    transport.onClose((reason) => closes.push(reason));
    const received: Buffer[] = [];
    transport.onData((chunk) => received.push(chunk));
    await transport.open();
    await expect.poll(() => sockets.length, poll).toBe(1);
    await transport.write(Buffer.from('0200300335', 'hex'));
    sockets[0]?.write(Buffer.from('hi'));
    await expect.poll(() => Buffer.concat(received).toString(), poll).toBe('hi');
    sockets[0]?.end();
    await expect
      .poll(() => closes, poll)
      .toEqual([`connection to tcp 127.0.0.1:${port} lost: closed by peer`]);
    await transport.open();
    await expect.poll(() => sockets.length, poll).toBe(2);
    await transport.close();
    await expect.poll(() => sockets[1]?.destroyed, poll).toBe(true);
    expect(closes).toHaveLength(1);
  });
});
