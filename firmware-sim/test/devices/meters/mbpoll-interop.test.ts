import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ManualClock, systemClock, type Clock } from '@hameau/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MeterDevice } from '../../../src/devices/meters/meter-device.js';
import { ModbusTcpDevice } from '../../../src/devices/meters/modbus-tcp-device.js';
import { RtuBusDevice } from '../../../src/devices/meters/rtu-bus-device.js';
import type { SimDevice } from '../../../src/sim-device.js';
import { silentLog } from '../../meter-fixtures.js';

/**
 * Interop with mbpoll (Debian's, built on libmodbus): a Modbus master nobody here wrote reads
 * our meters over TCP and over RTU on a pty, and prints what the simulator serves.
 */
const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-mbpoll-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const devices: SimDevice[] = [];
afterEach(async () => {
  for (const d of devices.splice(0).reverse()) await d.stop();
});

/** Runs one mbpoll poll; returns the printed values by reference (`[1]: 230` → 1 → 230). */
async function mbpoll(args: readonly string[]): Promise<Map<number, number>> {
  // The time limit only guards against a hung child; mbpoll's own timeout is 1 s.
  const { stdout } = await run('mbpoll', ['-1', ...args], { timeout: 15_000 });
  const values = new Map<number, number>();
  for (const line of stdout.split('\n')) {
    const match = /^\[(\d+)\]:\s+(\S+)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      values.set(Number(match[1]), Number(match[2]));
    }
  }
  return values;
}

/** What mbpoll prints for a float32 register pair: C's %g, 6 significant digits. */
const printedFloat = (value: number) => Number(Math.fround(value).toPrecision(6));

async function start<D extends MeterDevice>(device: D): Promise<{ device: D; at: string }> {
  devices.push(device);
  const [endpoint] = (await device.start()).endpoints;
  if (endpoint === undefined) throw new Error('no endpoint');
  return { device, at: endpoint.transport === 'tcp' ? String(endpoint.port) : endpoint.path };
}

function tcpSdm630(clock: Clock) {
  return new ModbusTcpDevice(
    {
      kind: 'sdm630',
      id: 'town-hall',
      meters: [
        // A building with its wander on: values nobody could guess.
        {
          id: 'town-hall',
          model: 'sdm630',
          seed: 11,
          importKwh: 12_345.678,
          load: { kind: 'building' },
        },
      ],
    },
    { clock, log: silentLog },
  );
}

describe('mbpoll reads our meters', () => {
  it('SDM630 over Modbus TCP: voltages and currents as float32 ABCD input registers', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 11, 9, 40));
    const { device, at } = await start(tcpSdm630(clock));
    const printed = await mbpoll([
      '-m',
      'tcp',
      '-a',
      '1',
      '-r',
      '1',
      '-c',
      '6',
      '-t',
      '3:float',
      '-B',
      '-p',
      at,
      '127.0.0.1',
    ]);
    const s = device.meter('town-hall').snapshot();
    expect([...printed.keys()]).toEqual([1, 3, 5, 7, 9, 11]);
    expect([...printed.values()]).toEqual(
      [...s.phases.map((p) => p.voltage), ...s.phases.map((p) => p.current)].map(printedFloat),
    );
    // A Wednesday morning: the town hall draws kilowatts, on a plausible supply.
    expect(printed.get(1)).toBeGreaterThan(225);
    expect(printed.get(7)).toBeGreaterThan(5);
  });

  it('SDM630 over Modbus TCP: total power, frequency and energy at their PDU addresses', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 11, 9, 40));
    const { device, at } = await start(tcpSdm630(clock));
    const power = await mbpoll([
      '-m',
      'tcp',
      '-0',
      '-r',
      '52',
      '-c',
      '1',
      '-t',
      '3:float',
      '-B',
      '-p',
      at,
      '127.0.0.1',
    ]);
    const energy = await mbpoll([
      '-m',
      'tcp',
      '-0',
      '-r',
      '70',
      '-c',
      '2',
      '-t',
      '3:float',
      '-B',
      '-p',
      at,
      '127.0.0.1',
    ]);
    const s = device.meter('town-hall').snapshot();
    expect(power.get(0x34)).toBe(printedFloat(s.activePower));
    expect(energy.get(0x46)).toBe(printedFloat(s.frequency));
    expect(energy.get(0x48)).toBe(printedFloat(s.importKwh));
    expect(energy.get(0x48)).toBe(12_345.7);
  });

  it('EM24 (INT32 low word first) and iEM3000 (FC03, kW) behind a TCP gateway', async () => {
    const clock = new ManualClock();
    const { device, at } = await start(
      new ModbusTcpDevice(
        {
          kind: 'modbus-gateway',
          id: 'gw',
          meters: [
            {
              id: 'school',
              model: 'em24',
              unit: 2,
              seed: 3,
              load: { kind: 'fixed', watts: 7_654.3 },
            },
            {
              id: 'pv',
              model: 'iem3000',
              unit: 3,
              noise: false,
              load: { kind: 'fixed', watts: -5_250 },
            },
          ],
        },
        { clock, log: silentLog },
      ),
    );
    // mbpoll's 32-bit integers are little-endian word order by default: the EM24's own.
    const em24 = await mbpoll([
      '-m',
      'tcp',
      '-a',
      '2',
      '-0',
      '-r',
      '40',
      '-c',
      '1',
      '-t',
      '3:int',
      '-p',
      at,
      '127.0.0.1',
    ]);
    expect(em24.get(40)).toBe(76_543);
    const volts = await mbpoll([
      '-m',
      'tcp',
      '-a',
      '2',
      '-0',
      '-r',
      '0',
      '-c',
      '3',
      '-t',
      '3:int',
      '-p',
      at,
      '127.0.0.1',
    ]);
    const s = device.meter('school').snapshot();
    expect([...volts.values()]).toEqual(s.phases.map((p) => Math.round(p.voltage * 10)));
    const iem = await mbpoll([
      '-m',
      'tcp',
      '-a',
      '3',
      '-0',
      '-r',
      String(0x5012),
      '-c',
      '1',
      '-t',
      '4:float',
      '-B',
      '-p',
      at,
      '127.0.0.1',
    ]);
    expect(iem.get(0x5012)).toBe(-5.25);
  });

  it('SDM630 over Modbus RTU on a pty, next to another meter on the bus', async () => {
    const clock = new ManualClock(Date.UTC(2026, 6, 2, 13, 5));
    const { device, at } = await start(
      new RtuBusDevice(
        {
          id: 'bus',
          pty: join(dir, 'bus'),
          baud: 9600,
          timing: false,
          meters: [
            { id: 'library', model: 'sdm630', unit: 1, seed: 4, load: { kind: 'building' } },
            { id: 'pv', model: 'sdm120', unit: 2, seed: 4, load: { kind: 'solar', peakW: 3000 } },
          ],
        },
        { clock, log: silentLog },
      ),
    );
    const printed = await mbpoll([
      '-m',
      'rtu',
      '-b',
      '9600',
      '-P',
      'none',
      '-a',
      '1',
      '-r',
      '1',
      '-c',
      '6',
      '-t',
      '3:float',
      '-B',
      at,
    ]);
    const s = device.meter('library').snapshot();
    expect([...printed.values()]).toEqual(
      [...s.phases.map((p) => p.voltage), ...s.phases.map((p) => p.current)].map(printedFloat),
    );
    const pv = await mbpoll([
      '-m',
      'rtu',
      '-b',
      '9600',
      '-P',
      'none',
      '-a',
      '2',
      '-0',
      '-r',
      '12',
      '-c',
      '1',
      '-t',
      '3:float',
      '-B',
      at,
    ]);
    const produced = device.meter('pv').snapshot().activePower;
    expect(produced).toBeLessThan(-1000); // a July afternoon
    expect(pv.get(12)).toBe(printedFloat(produced));
  });

  it('accepts replies paced at the real frame time (system clock, 9600 baud)', async () => {
    const steady = {
      noise: false,
      load: { kind: 'fixed', watts: 6900, powerFactor: 0.75 },
    } as const;
    const { at } = await start(
      new RtuBusDevice(
        {
          id: 'paced',
          pty: join(dir, 'paced'),
          baud: 9600,
          timing: true,
          turnaroundMs: 5,
          meters: [
            { id: 'a', model: 'sdm630', unit: 1, ...steady },
            { id: 'b', model: 'sdm630', unit: 7, ...steady, voltage: 240 },
          ],
        },
        { clock: systemClock, log: silentLog },
      ),
    );
    const a = await mbpoll([
      '-m',
      'rtu',
      '-b',
      '9600',
      '-P',
      'none',
      '-a',
      '1',
      '-r',
      '1',
      '-c',
      '6',
      '-t',
      '3:float',
      '-B',
      at,
    ]);
    expect([...a.values()]).toEqual([230, 230, 230, 13.3333, 13.3333, 13.3333]);
    const b = await mbpoll([
      '-m',
      'rtu',
      '-b',
      '9600',
      '-P',
      'none',
      '-a',
      '7',
      '-r',
      '1',
      '-c',
      '1',
      '-t',
      '3:float',
      '-B',
      at,
    ]);
    expect([...b.values()]).toEqual([240]);
  });
});
