import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import type { ReadRequest } from '../../../../src/modules/metering/transport/modbus-client.js';
import {
  ModbusSerialClient,
  classify,
} from '../../../../src/modules/metering/transport/modbus-serial-client.js';
import { ReadFailure } from '../../../../src/modules/metering/transport/read-failure.js';
import { openPtyPair, ptyFolder } from '../helpers/pty-pair.js';
import {
  ScriptedPeer,
  crc16,
  registersPdu,
  type PeerAnswer,
  type PeerRequest,
} from '../helpers/scripted-peer.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const request: ReadRequest = { unitId: 1, functionCode: 4, address: 0, count: 2, timeoutMs: 500 };

async function setup(framing: 'rtu' | 'mbap', answer: (r: PeerRequest) => PeerAnswer) {
  const clock = new ManualClock(0);
  const peer = new ScriptedPeer(framing, answer);
  const port = await peer.start();
  const client = new ModbusSerialClient(
    { transport: framing === 'rtu' ? 'rtu-over-tcp' : 'tcp', host: '127.0.0.1', port },
    { clock, connectTimeoutMs: 1_000 },
  );
  cleanups.push(async () => {
    await client.close();
    await peer.stop();
  });
  await client.open();
  /** The read's words, or its failure's kind and reason. */
  const read = (r: ReadRequest = request) =>
    client.read(r).then(
      (words) => ({ words }),
      (err: unknown) => ({ kind: (err as ReadFailure).kind, reason: (err as ReadFailure).reason }),
    );
  return { clock, peer, client, read };
}

describe('RTU over TCP', () => {
  it('reads registers and turns exceptions and bad CRCs into reasons', async () => {
    const answers: PeerAnswer[] = [
      { pdu: registersPdu(4, [0x4366, 0x8000]) },
      { pdu: [0x84, 0x02] },
      { pdu: registersPdu(4, [0x4366, 0x8000]), badCrc: true },
      { pdu: registersPdu(3, [0x0001, 0x0002]) },
    ];
    const { read, peer } = await setup('rtu', () => answers.shift() ?? { silent: true });
    expect(await read()).toEqual({ words: [0x4366, 0x8000] });
    expect(await read()).toEqual({
      kind: 'exception',
      reason: 'exception 2: illegal data address',
    });
    expect(await read()).toEqual({ kind: 'crc', reason: 'crc' });
    expect(await read({ ...request, functionCode: 3, address: 0x5000, unitId: 17 })).toEqual({
      words: [1, 2],
    });
    expect(peer.requests.map((r) => [r.unitId, r.functionCode, r.address, r.count])).toEqual([
      [1, 4, 0, 2],
      [1, 4, 0, 2],
      [1, 4, 0, 2],
      [17, 3, 0x5000, 2],
    ]);
  });

  it('times out on the clock, drops the connection, and never takes a late answer for a new one', async () => {
    let release: (() => void) | null = null;
    const answers: PeerAnswer[] = [
      { silent: true, later: (send) => (release = send) },
      { pdu: registersPdu(4, [0x4366, 0x8000]) },
    ];
    const { read, peer, client, clock } = await setup(
      'rtu',
      () => answers.shift() ?? { silent: true },
    );
    const late = read();
    await expect.poll(() => peer.requests.length).toBe(1);
    await clock.advance(499);
    expect(client.isOpen).toBe(true);
    await clock.advance(1);
    expect(await late).toEqual({ kind: 'timeout', reason: 'timeout' });
    expect(client.isOpen).toBe(false);
    await expect.poll(() => peer.connections).toBe(0);
    (release as (() => void) | null)?.(); // the answer to the first request comes too late
    await client.open();
    expect(await read()).toEqual({ words: [0x4366, 0x8000] });
  });
});

describe('Modbus TCP', () => {
  it('tells a reply from the wrong unit and a garbled frame apart from a good one', async () => {
    const answers: PeerAnswer[] = [
      { pdu: registersPdu(4, [0x4366, 0x8000]), unitId: 9 },
      { pdu: [4, 4, 0x43, 0x66] }, // says 4 bytes, carries 2
      { pdu: registersPdu(4, [0x4366, 0x8000]) },
    ];
    const { read } = await setup('mbap', () => answers.shift() ?? { silent: true });
    expect(await read()).toEqual({ kind: 'wrong-unit', reason: 'wrong unit id' });
    expect(await read()).toEqual({ kind: 'garbage', reason: 'garbage frame' });
    expect(await read()).toEqual({ words: [0x4366, 0x8000] });
  });

  it('fails the read in flight at once when the connection drops, and can open again', async () => {
    const answers: PeerAnswer[] = [{ hangUp: true }, { pdu: registersPdu(4, [7, 8]) }];
    const { read, client } = await setup('mbap', () => answers.shift() ?? { silent: true });
    expect(await read()).toEqual({
      kind: 'disconnected',
      reason: 'bus disconnected: connection lost',
    });
    expect(client.isOpen).toBe(false);
    expect(await read()).toEqual({
      kind: 'disconnected',
      reason: 'bus disconnected: not connected',
    });
    await client.open();
    expect(await read()).toEqual({ words: [7, 8] });
  });

  it('reports a refused connection as a disconnected bus', async () => {
    const peer = new ScriptedPeer('mbap', () => ({ silent: true }));
    const port = await peer.start();
    await peer.stop(); // nobody listens there any more
    const client = new ModbusSerialClient(
      { transport: 'tcp', host: '127.0.0.1', port },
      { clock: new ManualClock(0), connectTimeoutMs: 1_000 },
    );
    await expect(client.open()).rejects.toMatchObject({
      kind: 'disconnected',
      reason: 'bus disconnected: ECONNREFUSED',
    });
    expect(client.isOpen).toBe(false);
  });
});

describe('RTU on a serial line', () => {
  it('does not take a late answer from one unit for the next unit’s reply', async () => {
    const folder = ptyFolder();
    cleanups.push(folder.remove);
    const pty = await openPtyPair(folder.path);
    cleanups.push(() => pty.close());
    // The meters' end of the line, scripted byte by byte.
    const line = new SerialPort({ path: pty.b, baudRate: 9_600 });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          line.close(() => {
            resolve();
          });
        }),
    );
    let received = 0;
    line.on('data', (chunk: Buffer) => (received += chunk.length));
    const frame = (unitId: number, words: number[]) => {
      const body = [unitId, ...registersPdu(4, words)];
      const crc = crc16(body);
      return Buffer.from([...body, crc & 0xff, crc >> 8]);
    };
    const clock = new ManualClock(0);
    const client = new ModbusSerialClient(
      { transport: 'rtu', path: pty.a, baud: 9_600, parity: 'none', dataBits: 8, stopBits: 1 },
      { clock, connectTimeoutMs: 1_000 },
    );
    cleanups.push(() => client.close());
    await client.open();
    const first = client.read(request).catch((err: unknown) => (err as ReadFailure).reason);
    await expect.poll(() => received).toBe(8);
    await clock.advance(500);
    expect(await first).toBe('timeout');
    // Unit 2 is asked next; unit 1's answer to the timed-out request only comes now, just
    // before unit 2's own: same function, same length, a valid frame.
    const second = client.read({ ...request, unitId: 2 });
    await expect.poll(() => received).toBe(16);
    line.write(Buffer.concat([frame(1, [0x0bad, 0x0bad]), frame(2, [0x4366, 0x8000])]));
    expect(await second).toEqual([0x4366, 0x8000]);
  });
});

describe('classify', () => {
  it('maps modbus-serial errors to stable reasons', () => {
    const err = (message: string, extra: object = {}) => Object.assign(new Error(message), extra);
    expect(classify(err('Modbus exception 11: Gateway…', { modbusCode: 11 })).reason).toBe(
      'exception 11: gateway target device failed to respond',
    );
    expect(classify(err('CRC error')).reason).toBe('crc');
    expect(classify(err('Unexpected data error, expected address 1 got 3')).reason).toBe(
      'wrong unit id',
    );
    expect(classify(err('Unexpected data error, expected code 4 got 3')).reason).toBe(
      'garbage frame',
    );
    expect(classify(err('Data length error, expected 9 got 7')).reason).toBe('garbage frame');
    expect(classify(err('Timed out')).kind).toBe('timeout');
    expect(classify(err('Port Not Open')).reason).toBe('bus disconnected: not connected');
    expect(classify(err('write EPIPE', { code: 'EPIPE' })).reason).toBe('bus disconnected: EPIPE');
    expect(classify(ReadFailure.exception(99)).reason).toBe('exception 99: unknown');
  });
});
