import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, HameauError, ManualClock } from '@hameau/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  RtuBusDevice,
  type RtuBusOptionsInput,
} from '../../../src/devices/meters/rtu-bus-device.js';
import { decodeRtuFrame, encodeRtuFrame } from '../../../src/modbus/modbus-rtu-frame.js';
import { rtuReplyDelayMs } from '../../../src/modbus/rtu-timing.js';
import { memoryLinkPair } from '../../../src/transport/memory-link.js';
import { SocatPtyPair } from '../../../src/transport/socat-pty-pair.js';
import { until } from '../../line-client.js';
import { flush, hex, silentLog } from '../../meter-fixtures.js';
import { SerialClient } from '../../serial-client.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-rtu-bus-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const steady = { noise: false, load: { kind: 'fixed', watts: 4600 } } as const;
const twoMeters = [
  { id: 'm1', model: 'sdm630', unit: 1, ...steady },
  { id: 'm2', model: 'em24', unit: 2, ...steady },
] as const;

async function startBus(options: RtuBusOptionsInput, clock = new ManualClock()) {
  const bus = new RtuBusDevice(options, { clock, log: silentLog });
  cleanups.push(() => bus.stop());
  const { endpoints } = await bus.start();
  const [endpoint] = endpoints;
  if (endpoint?.transport !== 'pty') throw new Error('expected a pty endpoint');
  const agent = await SerialClient.open(endpoint.path);
  cleanups.push(() => agent.close());
  return { bus, agent, clock, path: endpoint.path };
}

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

describe('RtuBusDevice on a pty', () => {
  it('makes its own socat pair and serves several meters by unit id', async () => {
    const path = join(dir, 'bus-a');
    const { agent, bus } = await startBus({
      id: 'bus-a',
      pty: path,
      timing: false,
      meters: [...twoMeters],
    });
    expect(bus.kind).toBe('rtu-bus');
    agent.write(hex('01 04 00 00 00 02 71 CB'));
    expect(await agent.read(9)).toEqual(hex('01 04 04 43 66 00 00 0E 1F'));
    agent.write(encodeRtuFrame(2, hex('04 0000 0002')));
    expect(await agent.read(9)).toEqual(encodeRtuFrame(2, hex('04 04 08FC 0000')));
    await bus.stop();
    expect(await exists(path)).toBe(false);
  });

  it('emulates wire time on the injected clock', async () => {
    const { agent, bus, clock } = await startBus({
      id: 'bus-b',
      pty: join(dir, 'bus-b'),
      baud: 9600,
      turnaroundMs: 10,
      meters: [...twoMeters],
    });
    agent.write(hex('01 04 00 00 00 02 71 CB'));
    await until(() => bus.meter('m1').requests === 1);
    const delay = rtuReplyDelayMs(8, 9, 9600, 10);
    await clock.advance(Math.floor(delay));
    await flush();
    expect(agent.unread).toHaveLength(0);
    await clock.advance(1);
    expect(await agent.read(9)).toEqual(hex('01 04 04 43 66 00 00 0E 1F'));
  });

  it('opens a serial device given as serial, printing the peer as its endpoint', async () => {
    const pair = await SocatPtyPair.open(join(dir, 'sim-end'), join(dir, 'agent-end'));
    cleanups.push(() => pair.close());
    const { agent, path } = await startBus({
      id: 'bus-c',
      serial: pair.a,
      peer: pair.b,
      timing: false,
      meters: [{ id: 'm1', model: 'sdm120', unit: 1, ...steady }],
    });
    expect(path).toBe(pair.b);
    agent.write(encodeRtuFrame(1, hex('04 0006 0002')));
    // 4600 W / 230 V = 20 A = 41 A0 00 00
    expect(await agent.read(9)).toEqual(encodeRtuFrame(1, hex('04 04 41A0 0000')));
  });

  it('fails to start on a serial path that cannot be opened, leaving nothing behind', async () => {
    const bus = new RtuBusDevice(
      { id: 'bus-d', serial: join(dir, 'missing'), meters: [...twoMeters] },
      { clock: new ManualClock() },
    );
    const start = bus.start();
    await expect(start).rejects.toThrow(HameauError);
    await expect(start).rejects.toThrow(/device bus-d: cannot open serial/);
    await bus.stop();
  });

  it('requires exactly one of pty and serial', () => {
    const clock = new ManualClock();
    expect(() => new RtuBusDevice({ id: 'b', meters: [...twoMeters] }, { clock })).toThrow(
      /pty: give exactly one of pty/,
    );
    expect(
      () =>
        new RtuBusDevice(
          { id: 'b', pty: '/tmp/x', peer: '/tmp/y', meters: [...twoMeters] },
          { clock },
        ),
    ).toThrow(/peer: peer goes with serial only/);
    expect(
      () => new RtuBusDevice({ id: 'b', pty: 'relative', meters: [...twoMeters] }, { clock }),
    ).toThrow(ConfigError);
  });
});

describe('RtuBusDevice faults on the wire (in-memory line)', () => {
  async function memoryBus() {
    const clock = new ManualClock();
    const [simEnd, agent] = memoryLinkPair();
    const bus = new RtuBusDevice(
      { id: 'bus-m', pty: '/unused', timing: false, meters: [...twoMeters] },
      { clock, log: silentLog },
      { link: simEnd },
    );
    cleanups.push(() => bus.stop());
    await bus.start();
    const received: Buffer[] = [];
    agent.onData((chunk) => received.push(chunk));
    return { bus, agent, clock, received };
  }

  it('corrupt-crc sends a reply whose CRC fails; the next one is good again', async () => {
    const { bus, agent, received } = await memoryBus();
    bus.meter('m1').inject({ mode: 'corrupt-crc' });
    agent.write(hex('01 04 00 00 00 02 71 CB'));
    await flush();
    expect(received[0]).toEqual(hex('01 04 04 43 66 00 00 F1 E0'));
    expect(decodeRtuFrame(received[0] ?? Buffer.alloc(0))).toBeNull();
    bus.meter('m1').clearFault();
    agent.write(hex('01 04 00 00 00 02 71 CB'));
    await flush();
    expect(decodeRtuFrame(received[1] ?? Buffer.alloc(0))).not.toBeNull();
  });

  it('wrong-unit answers with another address and a valid CRC', async () => {
    const { bus, agent, received } = await memoryBus();
    bus.meter('m2').inject({ mode: 'wrong-unit' });
    agent.write(encodeRtuFrame(2, hex('04 0000 0002')));
    await flush();
    expect(decodeRtuFrame(received[0] ?? Buffer.alloc(0))).toEqual({
      unitId: 3,
      pdu: hex('04 04 08FC 0000'),
    });
  });

  it('a dead meter costs the others nothing', async () => {
    const { bus, agent, received } = await memoryBus();
    bus.meter('m1').inject({ mode: 'no-answer' });
    agent.write(
      Buffer.concat([hex('01 04 00 00 00 02 71 CB'), encodeRtuFrame(2, hex('04 0000 0002'))]),
    );
    await flush();
    expect(received.map((r) => r[0])).toEqual([2]);
  });

  it('slow adds its delay on the clock, and scheduled faults start with the bus', async () => {
    const clock = new ManualClock();
    const [simEnd, agent] = memoryLinkPair();
    const bus = new RtuBusDevice(
      {
        id: 'bus-s',
        pty: '/unused',
        timing: false,
        meters: [
          {
            id: 'm1',
            model: 'sdm630',
            ...steady,
            faults: [{ mode: 'slow', delayMs: 800, atMs: 100 }],
          },
        ],
      },
      { clock, log: silentLog },
      { link: simEnd },
    );
    cleanups.push(() => bus.stop());
    await bus.start();
    const received: Buffer[] = [];
    agent.onData((chunk) => received.push(chunk));
    await clock.advance(100);
    agent.write(hex('01 04 00 00 00 02 71 CB'));
    await flush();
    await clock.advance(799);
    expect(received).toEqual([]);
    await clock.advance(1);
    expect(received).toHaveLength(1);
  });
});
