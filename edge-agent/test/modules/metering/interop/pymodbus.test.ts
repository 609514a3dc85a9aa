import { afterEach, describe, expect, it } from 'vitest';
import { startMetering, type MeteringHarness } from '../helpers/metering-harness.js';
import { openPtyPair, ptyFolder } from '../helpers/pty-pair.js';
import { startPymodbus } from '../helpers/pymodbus-server.js';

/**
 * The metering module against pymodbus, a Modbus implementation no one here wrote, serving the
 * SDM630 register image of `fixtures/pymodbus-meter.py` (float32 encoded by Python's `struct`).
 * Unit 2 serves the same image with 1000 added to every value.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SDM630 = {
  voltage_l1_v: 230.1,
  voltage_l2_v: 229.8,
  voltage_l3_v: 231.4,
  current_l1_a: 1.25,
  current_l2_a: 2.5,
  current_l3_a: 0.75,
  power_l1_w: 287.6,
  power_l2_w: 574.5,
  power_l3_w: 173.6,
  power_w: 1035.7,
  apparent_power_va: 1090.2,
  reactive_power_var: -120.5,
  power_factor: 0.95,
  frequency_hz: 49.98,
  energy_import_kwh: 12345.6,
  energy_export_kwh: 78.9,
  energy_total_kwh: 12424.5,
  energy_import_l1_kwh: 4100.25,
  energy_import_l2_kwh: 4200.5,
  energy_import_l3_kwh: 4044.75,
};
const plus1000 = Object.fromEntries(Object.entries(SDM630).map(([q, v]) => [q, v + 1000]));

function sdm630Bus(bus: Record<string, unknown>, units = [1, 2]) {
  return {
    buses: [
      {
        id: 'gateway',
        timeoutMs: 500,
        reconnect: { minMs: 1_000, maxMs: 2_000 },
        meters: units.map((unitId) => ({
          id: `sdm-${unitId}`,
          model: 'eastron-sdm630',
          unitId,
          intervalMs: 1_000,
        })),
        ...bus,
      },
    ],
  };
}

async function run(config: unknown): Promise<MeteringHarness> {
  const h = await startMetering(config);
  cleanups.push(() => h.stop());
  return h;
}

const last = (h: MeteringHarness, source: string) => h.readings('energy', source).at(-1);

describe('the metering module against a pymodbus meter', () => {
  it('reads an SDM630 over Modbus TCP, every value exact, two units on one connection', async () => {
    const server = await startPymodbus(['--transport', 'tcp', '--units', '1,2']);
    cleanups.push(() => server.kill());
    const h = await run(sdm630Bus({ transport: 'tcp', host: '127.0.0.1', port: server.port }));
    await expect.poll(() => h.readings().length, { timeout: 10_000 }).toBe(2);
    expect(last(h, 'sdm-1')?.values).toEqual(SDM630);
    expect(last(h, 'sdm-1')?.missing).toBeUndefined();
    expect(last(h, 'sdm-2')?.values).toEqual(plus1000);
  });

  it('reads the same meter with RTU frames over TCP', async () => {
    const server = await startPymodbus(['--transport', 'rtu-over-tcp', '--units', '1']);
    cleanups.push(() => server.kill());
    const h = await run(
      sdm630Bus({ transport: 'rtu-over-tcp', host: '127.0.0.1', port: server.port }, [1]),
    );
    await expect.poll(() => h.readings().length, { timeout: 10_000 }).toBe(1);
    expect(last(h, 'sdm-1')?.values).toEqual(SDM630);
  });

  it('resumes by itself after the TCP server dies and comes back, without a module restart', async () => {
    let server = await startPymodbus(['--transport', 'tcp', '--units', '1']);
    const port = server.port;
    cleanups.push(() => server.kill());
    const h = await run(sdm630Bus({ transport: 'tcp', host: '127.0.0.1', port }, [1]));
    await expect.poll(() => h.readings().length, { timeout: 10_000 }).toBe(1);
    await server.kill();
    // Polls go on, each a missing reading saying why, never a 0.
    await expect
      .poll(
        async () => {
          await h.clock.advance(1_000);
          return last(h, 'sdm-1')?.missing?.['power_w'] ?? '';
        },
        { timeout: 10_000 },
      )
      .toMatch(/^bus disconnected: /);
    expect(last(h, 'sdm-1')?.values['power_w']).toBeNull();
    server = await startPymodbus(['--transport', 'tcp', '--units', '1', '--port', String(port)]);
    await expect
      .poll(
        async () => {
          await h.clock.advance(1_000);
          return last(h, 'sdm-1')?.values['power_w'];
        },
        { timeout: 10_000 },
      )
      .toBe(1035.7);
    expect(last(h, 'sdm-1')?.values).toEqual(SDM630);
    expect(h.events('meter-unreachable')).toEqual([]);
  });

  it('reads two meters over an RS485 line (a socat pty pair), a dead third one missing', async () => {
    const folder = ptyFolder();
    cleanups.push(folder.remove);
    const pty = await openPtyPair(folder.path);
    cleanups.push(() => pty.close());
    const server = await startPymodbus(['--transport', 'rtu', '--serial', pty.b, '--units', '1,2']);
    cleanups.push(() => server.kill());
    const h = await run(sdm630Bus({ transport: 'rtu', path: pty.a, baud: 9_600 }, [1, 2, 3]));
    // RTU keeps t3.5 between requests on the clock: move it in small steps while bytes flow.
    await expect
      .poll(
        async () => {
          await h.clock.advance(5);
          return h.readings().length;
        },
        { timeout: 15_000, interval: 10 },
      )
      .toBeGreaterThanOrEqual(3);
    expect(last(h, 'sdm-1')?.values).toEqual(SDM630);
    expect(last(h, 'sdm-2')?.values).toEqual(plus1000);
    const dead = last(h, 'sdm-3');
    expect(dead?.missing?.['energy_import_kwh']).toBe('timeout');
    expect(Object.values(dead?.values ?? {}).every((v) => v === null)).toBe(true);
  });

  it('resumes by itself after the serial device vanishes and comes back', async () => {
    const folder = ptyFolder();
    cleanups.push(folder.remove);
    let pty = await openPtyPair(folder.path);
    let server = await startPymodbus(['--transport', 'rtu', '--serial', pty.b, '--units', '1']);
    cleanups.push(async () => {
      await server.kill();
      await pty.close();
    });
    const h = await run(sdm630Bus({ transport: 'rtu', path: pty.a, baud: 9_600 }, [1]));
    /** Moves the clock in small steps (RTU keeps t3.5 on it) until `value()` matches. */
    const stepUntil = (value: () => unknown) =>
      expect.poll(
        async () => {
          await h.clock.advance(5);
          return value();
        },
        { timeout: 15_000, interval: 10 },
      );
    await stepUntil(() => h.readings().length).toBe(1);
    // The adapter is pulled out: the device path vanishes.
    await server.kill();
    await pty.close();
    await expect
      .poll(
        async () => {
          await h.clock.advance(1_000);
          return last(h, 'sdm-1')?.missing?.['power_w'] ?? '';
        },
        { timeout: 10_000 },
      )
      .toBe('bus disconnected: ENOENT');
    // …and plugged back in, under the same path.
    pty = await openPtyPair(folder.path);
    server = await startPymodbus(['--transport', 'rtu', '--serial', pty.b, '--units', '1']);
    await stepUntil(() => last(h, 'sdm-1')?.values['power_w']).toBe(1035.7);
    expect(last(h, 'sdm-1')?.values).toEqual(SDM630);
    expect(h.events('meter-unreachable')).toEqual([]);
  });
});
