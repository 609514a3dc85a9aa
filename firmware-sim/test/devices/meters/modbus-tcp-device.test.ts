import { ConfigError, ManualClock } from '@hameau/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ModbusTcpDevice,
  type ModbusTcpDeviceOptionsInput,
} from '../../../src/devices/meters/modbus-tcp-device.js';
import { readRequestPdu } from '../../../src/modbus/modbus-pdu.js';
import { connectError, until } from '../../line-client.js';
import { hex, silentLog } from '../../meter-fixtures.js';
import { ModbusTcpClient } from '../../modbus-tcp-client.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const steady = { noise: false, load: { kind: 'fixed', watts: 4600 } } as const;

async function startDevice(options: ModbusTcpDeviceOptionsInput, clock = new ManualClock()) {
  const device = new ModbusTcpDevice(options, { clock, log: silentLog });
  cleanups.push(() => device.stop());
  const { endpoints } = await device.start();
  const [endpoint] = endpoints;
  if (endpoint?.transport !== 'tcp') throw new Error('expected a TCP endpoint');
  const client = await ModbusTcpClient.open(endpoint.port);
  cleanups.push(() => client.close());
  return { device, client, clock, port: endpoint.port };
}

const gateway = (): ModbusTcpDeviceOptionsInput => ({
  kind: 'modbus-gateway',
  id: 'gw1',
  meters: [
    { id: 'm1', model: 'sdm630', unit: 1, ...steady },
    { id: 'm2', model: 'em24', unit: 2, ...steady },
    { id: 'm3', model: 'iem3000', unit: 3, ...steady },
  ],
});

describe('Modbus TCP meter', () => {
  it('answers the SDM630 voltage read byte for byte, echoing the transaction id', async () => {
    const { client } = await startDevice({
      kind: 'sdm630',
      id: 'm1',
      meters: [{ id: 'm1', model: 'sdm630', ...steady }],
    });
    client.write(hex('BEEF 0000 0006 01 04 0000 0002'));
    expect(await client.readFrame()).toEqual(hex('BEEF 0000 0007 01 04 04 4366 0000'));
  });

  it('reports its endpoint and closes its port on stop', async () => {
    const { device, port } = await startDevice(gateway());
    expect(device.kind).toBe('modbus-gateway');
    await device.stop();
    expect(await connectError(port)).toBe('ECONNREFUSED');
  });
});

describe('Modbus TCP gateway', () => {
  it('reaches each meter by its unit id, each in its own encoding', async () => {
    const { client } = await startDevice(gateway());
    client.send(1, 1, readRequestPdu(4, 0x0000, 2));
    client.send(2, 2, readRequestPdu(4, 0x0000, 2));
    client.send(3, 3, readRequestPdu(3, 0x5000, 2));
    expect(await client.readFrame()).toEqual(hex('0001 0000 0007 01 04 04 4366 0000'));
    expect(await client.readFrame()).toEqual(hex('0002 0000 0007 02 04 04 08FC 0000'));
    expect(await client.readFrame()).toEqual(hex('0003 0000 0007 03 03 04 4366 0000'));
  });

  it('answers exception 0x0B for a unit that is not behind it', async () => {
    const { client } = await startDevice(gateway());
    client.send(9, 9, readRequestPdu(4, 0x0000, 2));
    expect(await client.readFrame()).toEqual(hex('0009 0000 0003 09 84 0B'));
  });

  it('answers meter exceptions: function, address, quantity', async () => {
    const { client } = await startDevice(gateway());
    client.send(1, 1, hex('06 0000 0001'));
    client.send(2, 1, readRequestPdu(4, 0x0200, 2));
    client.send(3, 1, readRequestPdu(4, 0x0000, 126));
    client.send(4, 3, readRequestPdu(4, 0x5000, 2)); // the iEM3000 serves FC03
    expect((await client.readFrame()).subarray(7)).toEqual(hex('86 01'));
    expect((await client.readFrame()).subarray(7)).toEqual(hex('84 02'));
    expect((await client.readFrame()).subarray(7)).toEqual(hex('84 03'));
    expect((await client.readFrame()).subarray(7)).toEqual(hex('84 02'));
  });

  it('reads requests split over segments and several in one segment', async () => {
    const { client, device } = await startDevice(gateway());
    const request = hex('0005 0000 0006 01 04 0034 0002');
    client.write(request.subarray(0, 4));
    await until(() => device.connections === 1);
    client.write(request.subarray(4, 9));
    client.write(Buffer.concat([request.subarray(9), request, request]));
    const frames = [await client.readFrame(), await client.readFrame(), await client.readFrame()];
    for (const frame of frames) expect(frame).toEqual(hex('0005 0000 0007 01 04 04 458F C000'));
  });

  it('drops frames of another protocol, and closes on a broken header', async () => {
    const { client, device } = await startDevice(gateway());
    client.write(hex('0001 0001 0006 01 04 0000 0002'));
    client.send(2, 1, readRequestPdu(4, 0x0000, 2));
    expect((await client.readFrame()).readUInt16BE(0)).toBe(2);
    client.write(hex('0003 0000 0000 01'));
    await client.closed;
    expect(device.requests).toBe(2);
  });
});

describe('Modbus TCP faults', () => {
  it('no-answer: stays silent while it lasts, then answers again', async () => {
    const { client, device, clock } = await startDevice(gateway());
    device.meter('m1').inject({ mode: 'no-answer', durationMs: 2000 });
    client.send(1, 1, readRequestPdu(4, 0, 2));
    client.send(2, 2, readRequestPdu(4, 0, 2));
    expect((await client.readFrame()).readUInt16BE(0)).toBe(2); // m2 still answers
    await clock.advance(2000);
    client.send(3, 1, readRequestPdu(4, 0, 2));
    expect((await client.readFrame()).readUInt16BE(0)).toBe(3);
    expect(device.meter('m1').requests).toBe(2);
  });

  it('corrupt-crc becomes the gateway exception 0x0B; wrong-unit changes the MBAP unit', async () => {
    const { client, device } = await startDevice(gateway());
    device.meter('m2').inject({ mode: 'corrupt-crc' });
    client.send(1, 2, readRequestPdu(4, 0, 2));
    expect(await client.readFrame()).toEqual(hex('0001 0000 0003 02 84 0B'));
    device.meter('m2').inject({ mode: 'wrong-unit', unit: 5 });
    client.send(2, 2, readRequestPdu(4, 0, 2));
    expect(await client.readFrame()).toEqual(hex('0002 0000 0007 05 04 04 08FC 0000'));
    device.meter('m2').inject({ mode: 'exception', code: 4 });
    client.send(3, 2, readRequestPdu(4, 0, 2));
    expect(await client.readFrame()).toEqual(hex('0003 0000 0003 02 84 04'));
  });

  it('slow: answers after the delay on the device clock', async () => {
    const { client, device, clock } = await startDevice(gateway());
    device.meter('m3').inject({ mode: 'slow', delayMs: 3000 });
    client.send(1, 3, readRequestPdu(3, 0x5000, 2));
    await until(() => device.meter('m3').requests === 1);
    await clock.advance(2999);
    expect(client.unread).toHaveLength(0);
    await clock.advance(1);
    expect(await client.readFrame()).toEqual(hex('0001 0000 0007 03 03 04 4366 0000'));
  });

  it('refuses options that would collide on the wire', () => {
    expect(
      () =>
        new ModbusTcpDevice(
          {
            kind: 'modbus-gateway',
            id: 'gw1',
            meters: [
              { id: 'a', model: 'sdm630', unit: 1 },
              { id: 'a', model: 'em24', unit: 1 },
            ],
          },
          { clock: new ManualClock() },
        ),
    ).toThrow(/meters\.1\.id: "a" is already[\s\S]*meters\.1\.unit: unit 1 is already/);
    expect(
      () =>
        new ModbusTcpDevice(
          { kind: 'modbus-gateway', id: 'g', meters: [] },
          {
            clock: new ManualClock(),
          },
        ),
    ).toThrow(ConfigError);
  });
});
