import { ManualClock } from '@hameau/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRtuFrame } from '../../src/modbus/modbus-rtu-frame.js';
import { RtuBusServer } from '../../src/modbus/rtu-bus-server.js';
import { rtuReplyDelayMs } from '../../src/modbus/rtu-timing.js';
import type { SimMeter } from '../../src/devices/meters/sim-meter.js';
import { memoryLinkPair, type MemoryLink } from '../../src/transport/memory-link.js';
import { flush, hex, silentLog, steadyMeter } from '../meter-fixtures.js';

const servers: RtuBusServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A bus of meters (unit 1: SDM630 at 4,600 W, unit 2: SDM120 at 1,150 W) and the master's end. */
function bus(options: { emulateTiming?: boolean; turnaroundMs?: number; baud?: number } = {}) {
  const clock = new ManualClock();
  const [simEnd, master] = memoryLinkPair();
  const meters: SimMeter[] = [
    steadyMeter({ id: 'm1', unit: 1 }, clock),
    steadyMeter(
      { id: 'm2', unit: 2, model: 'sdm120', load: { kind: 'fixed', watts: 1150 } },
      clock,
    ),
  ];
  const server = new RtuBusServer({
    busId: 'bus1',
    clock,
    log: silentLog,
    link: simEnd,
    units: meters,
    baud: options.baud ?? 9600,
    emulateTiming: options.emulateTiming ?? false,
    turnaroundMs: options.turnaroundMs ?? 0,
  });
  servers.push(server);
  const received: string[] = [];
  master.onData((chunk) => received.push(chunk.toString('hex')));
  return { clock, master, meters, server, received };
}

function send(master: MemoryLink, text: string): void {
  master.write(hex(text));
}

// SDM630 voltage L1 = 230.0 V (43 66 00 00); SDM120 current = 1150 / 230 = 5 A (40 A0 00 00).
const V1_REQUEST = '01 04 00 00 00 02 71 CB';
const V1_REPLY = '01 04 04 43 66 00 00 0E 1F';
const UNIT2_CURRENT_REQUEST = encodeRtuFrame(2, hex('04 0006 0002')).toString('hex');
const UNIT2_CURRENT_REPLY = encodeRtuFrame(2, hex('04 04 40A0 0000')).toString('hex');

describe('RtuBusServer', () => {
  it('answers the well-known voltage request byte for byte', async () => {
    const { master, received } = bus();
    send(master, V1_REQUEST);
    await flush();
    expect(received).toEqual([hex(V1_REPLY).toString('hex')]);
  });

  it('serves several meters on one bus, each answering only its unit id', async () => {
    const { master, received, meters } = bus();
    send(master, UNIT2_CURRENT_REQUEST);
    await flush();
    expect(received).toEqual([UNIT2_CURRENT_REPLY]);
    // Unit 3 is not on the bus: nobody answers, and no meter saw it.
    send(master, '03 04 00 00 00 02 70 29');
    await flush();
    expect(received).toHaveLength(1);
    expect(meters.map((m) => m.requests)).toEqual([0, 1]);
  });

  it('reassembles a request sent one byte at a time', async () => {
    const { master, received } = bus();
    for (const byte of hex(V1_REQUEST)) {
      master.write(Buffer.of(byte));
      await flush();
    }
    expect(received).toEqual([hex(V1_REPLY).toString('hex')]);
  });

  it('answers every request of a chunk, skipping those for other units', async () => {
    const { master, received } = bus();
    master.write(
      Buffer.concat([
        hex(V1_REQUEST),
        hex('0B 04 00 00 00 02 71 61'), // unit 11: absent
        hex(UNIT2_CURRENT_REQUEST),
      ]),
    );
    await flush();
    expect(received.join('')).toBe(hex(V1_REPLY).toString('hex') + UNIT2_CURRENT_REPLY);
  });

  it('ignores a request with a bad CRC and answers the next good one', async () => {
    const { master, received, server } = bus();
    send(master, '01 04 00 00 00 02 71 CC');
    send(master, V1_REQUEST);
    await flush();
    expect(received).toEqual([hex(V1_REPLY).toString('hex')]);
    expect(server.crcErrors).toBe(1);
    expect(server.frames).toBe(2);
  });

  it('answers an unsupported function after the t3.5 silence with exception 01', async () => {
    const { master, received, clock } = bus();
    send(master, '01 11 C0 2C'); // report slave id: length unknown to the splitter
    await flush();
    expect(received).toEqual([]);
    await clock.advance(5); // t3.5 at 9600 baud is 4.01 ms
    expect(received).toEqual(['0191018c50']);
  });

  it('answers exceptions 02 and 03 for bad ranges', async () => {
    const { master, received } = bus();
    master.write(encodeRtuFrame(1, hex('04 0100 0002'))); // no SDM630 register there
    master.write(encodeRtuFrame(1, hex('04 0000 007E'))); // 126 registers
    await flush();
    expect(received).toEqual([
      encodeRtuFrame(1, hex('84 02')).toString('hex'),
      encodeRtuFrame(1, hex('84 03')).toString('hex'),
    ]);
  });

  it('emulates the wire time: request, t3.5, turnaround, reply, at the bus baud rate', async () => {
    const { master, received, clock } = bus({ emulateTiming: true, turnaroundMs: 5 });
    const expectedMs = rtuReplyDelayMs(8, 9, 9600, 5);
    expect(expectedMs).toBeCloseTo(28.49, 2);
    send(master, V1_REQUEST);
    await flush();
    await clock.advance(Math.floor(expectedMs));
    expect(received).toEqual([]);
    await clock.advance(1);
    expect(received).toEqual([hex(V1_REPLY).toString('hex')]);
  });

  it('takes longer at a lower baud rate and for longer replies', async () => {
    const { master, received, clock } = bus({ emulateTiming: true, baud: 2400 });
    master.write(encodeRtuFrame(1, hex('04 0000 000A'))); // 10 registers: 25-byte reply
    await flush();
    const expectedMs = rtuReplyDelayMs(8, 25, 2400, 0);
    expect(expectedMs).toBeCloseTo(167.3, 1);
    await clock.advance(167);
    expect(received).toEqual([]);
    await clock.advance(1);
    expect(received).toHaveLength(1);
  });

  it('sends nothing more once closed', async () => {
    const { master, received, clock, server } = bus({ emulateTiming: true });
    send(master, V1_REQUEST);
    await flush();
    await server.close();
    await clock.advance(100);
    expect(received).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
