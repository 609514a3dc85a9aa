import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { RtuBusDevice } from '@hameau/firmware-sim';
import { ManualClock, systemClock } from '@hameau/protocol';
import { startMetering } from './helpers/metering-harness.js';

/**
 * The whole metering module on a real serial line: firmware-sim meters on one end of a `socat`
 * pty pair, with RTU wire timing emulated at 19,200 baud, and the agent's `modbus-serial` RTU
 * client on the other. The simulator keeps real time (its replies are paced by the wire); the
 * agent's clock is a ManualClock that the test moves along in small steps, so the agent's
 * schedule is the test's while the bytes still cross a real pty.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const steady = { noise: false, load: { kind: 'fixed', watts: 2300 } } as const;

it('reads SDM630 and SDM120 meters over RTU on a pty through the module, exactly as served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-rtu-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const sim = new RtuBusDevice(
    {
      id: 'cabinet-bus',
      pty: join(dir, 'ttyRS485'),
      baud: 19_200,
      timing: true,
      turnaroundMs: 2,
      meters: [
        { id: 'cabinet', model: 'sdm630', unit: 1, importKwh: 4321.25, ...steady },
        { id: 'lockers', model: 'sdm120', unit: 7, importKwh: 87.5, ...steady },
      ],
    },
    { clock: systemClock, log: pino({ level: 'silent' }) },
  );
  const [endpoint] = (await sim.start()).endpoints;
  cleanups.push(() => sim.stop());
  if (endpoint?.transport !== 'pty') throw new Error('expected a pty endpoint');

  const clock = new ManualClock(Date.UTC(2026, 10, 26, 18));
  const h = await startMetering(
    {
      buses: [
        {
          id: 'cabinet-bus',
          transport: 'rtu',
          path: endpoint.path,
          baud: 19_200,
          timeoutMs: 1_000,
          meters: [
            { id: 'cabinet', model: 'eastron-sdm630', unitId: 1, intervalMs: 60_000 },
            { id: 'lockers', model: 'eastron-sdm120', unitId: 7, intervalMs: 60_000 },
          ],
        },
      ],
    },
    undefined,
    { clock },
  );
  cleanups.push(() => h.stop());

  // Move the agent's clock a millisecond at a time, alongside real time, until both meters have
  // reported their first poll (taken at start).
  await expect
    .poll(
      async () => {
        await clock.advance(1);
        return ['cabinet', 'lockers'].every((s) => h.readings('energy', s).length > 0);
      },
      { timeout: 10_000, interval: 1 },
    )
    .toBe(true);

  const values = (source: string) => h.readings('energy', source)[0]?.values ?? {};
  // 2,300 W on a 230 V supply at unity power factor, split over three phases for the SDM630.
  expect(values('cabinet')).toMatchObject({
    power_w: 2300,
    voltage_l1_v: 230,
    voltage_l2_v: 230,
    voltage_l3_v: 230,
    frequency_hz: 50,
  });
  expect(values('lockers')).toMatchObject({
    power_w: 2300,
    voltage_v: 230,
    current_a: 10,
    power_factor: 1,
  });
  // The simulated counters integrate 2.3 kW in real time: a few seconds at most add ~0.002 kWh.
  const counter = (source: string) => values(source)['energy_import_kwh'] ?? Number.NaN;
  expect(counter('cabinet')).toBeGreaterThanOrEqual(4321.25);
  expect(counter('cabinet')).toBeLessThan(4321.26);
  expect(counter('lockers')).toBeGreaterThanOrEqual(87.5);
  expect(counter('lockers')).toBeLessThan(87.51);
  expect(h.readings('energy', 'cabinet')[0]?.missing).toBeUndefined();
  expect(h.events('meter-unreachable')).toEqual([]);
});
