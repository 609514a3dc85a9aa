import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { ModbusTcpDevice } from '@hameau/firmware-sim';
import { ManualClock } from '@hameau/protocol';
import { startMetering, type MeteringHarness } from './helpers/metering-harness.js';

/**
 * The metering module against the firmware-sim meters (in-process, over real TCP): a Modbus TCP
 * gateway in front of one meter of each built-in model, all carrying the same steady load, so
 * each model's encoding must come back to the same physical values.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const steady = {
  noise: false,
  load: { kind: 'fixed', watts: 4600 },
  importKwh: 1234.5,
  exportKwh: 2.5,
} as const;
const MODELS = [
  ['sdm630', 'eastron-sdm630'],
  ['em24', 'carlo-gavazzi-em24'],
  ['iem3000', 'schneider-iem3000'],
  ['sdm120', 'eastron-sdm120'],
] as const;

async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 5, 21, 12));
  const gateway = new ModbusTcpDevice(
    {
      kind: 'modbus-gateway',
      id: 'gw1',
      meters: MODELS.map(([model], i) => ({ id: `m${i + 1}`, model, unit: i + 1, ...steady })),
    },
    { clock, log: pino({ level: 'silent' }) },
  );
  const { endpoints } = await gateway.start();
  cleanups.push(() => gateway.stop());
  const port = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
  const h: MeteringHarness = await startMetering(
    {
      buses: [
        {
          id: 'gateway',
          transport: 'tcp',
          host: '127.0.0.1',
          port,
          timeoutMs: 500,
          breaker: { failures: 3, minMs: 5_000, maxMs: 5_000 },
          meters: MODELS.map(([, model], i) => ({
            id: `meter-${i + 1}`,
            model,
            unitId: i + 1,
            intervalMs: 1_000,
          })),
        },
      ],
    },
    undefined,
    { clock },
  );
  cleanups.push(() => h.stop());
  /** Moves to the next poll and waits until `sources` have each reported once more. */
  const tick = async (sources: readonly string[]) => {
    const before = sources.map((s) => h.readings('energy', s).length);
    await clock.advance(1_000);
    await expect
      .poll(() => sources.every((s, i) => h.readings('energy', s).length > (before[i] ?? 0)))
      .toBe(true);
  };
  await expect.poll(() => h.readings().length).toBe(MODELS.length);
  return { clock, gateway, h, tick };
}

const lastValues = (h: MeteringHarness, source: string) =>
  h.readings('energy', source).at(-1)?.values ?? {};

it('reads every built-in model from the simulated meters as the same physical values', async () => {
  const { h } = await setup();
  for (let i = 1; i <= MODELS.length; i++) {
    expect(lastValues(h, `meter-${i}`), `meter-${i}`).toMatchObject({
      power_w: 4600,
      frequency_hz: 50,
      energy_import_kwh: 1234.5,
      energy_export_kwh: 2.5,
    });
  }
  expect(lastValues(h, 'meter-1')).toMatchObject({ voltage_l1_v: 230, voltage_l3_v: 230 });
  expect(lastValues(h, 'meter-4')).toMatchObject({ voltage_v: 230, power_factor: 1 });
});

it('flags a counter reset of a simulated meter and keeps the others unflagged', async () => {
  const { h, gateway, tick } = await setup();
  gateway.meter('m2').inject({ mode: 'counter-reset' });
  await tick(['meter-1', 'meter-2', 'meter-3', 'meter-4']);
  const events = h.events('counter-reset');
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ severity: 'warning', subject: 'meter-2' });
  // Every counter of the EM24 went back to (about) zero together, per phase too.
  const counters = events[0]?.data['counters'] as { quantity: string; previous: number }[];
  expect(counters.map((c) => [c.quantity, c.previous])).toEqual([
    ['energy_import_kwh', 1234.5],
    ['energy_import_l1_kwh', 411.5],
    ['energy_import_l2_kwh', 411.5],
    ['energy_import_l3_kwh', 411.5],
    ['energy_export_kwh', 2.5],
  ]);
  expect(lastValues(h, 'meter-2')['counter_reset']).toBe(1);
  expect(lastValues(h, 'meter-1')['counter_reset']).toBeUndefined();
});

it('opens the breaker of a simulated meter that stops answering while the others go on', async () => {
  const { h, gateway, clock, tick } = await setup();
  gateway.meter('m4').inject({ mode: 'no-answer' });
  const live = ['meter-1', 'meter-2', 'meter-3'];
  // meter-4 is polled last each second; its request times out half a second later.
  for (let i = 0; i < 3; i++) {
    await tick(live);
    await clock.advance(500);
    await expect.poll(() => h.readings('energy', 'meter-4').length).toBe(2 + i);
  }
  expect(h.readings('energy', 'meter-4').at(-1)?.missing?.['power_w']).toBe('timeout');
  expect(h.events('meter-unreachable')).toMatchObject([
    { subject: 'meter-4', data: { reason: 'timeout', consecutiveErrors: 3 } },
  ]);
  gateway.meter('m4').clearFault();
  for (let i = 0; i < 5; i++) await tick(live);
  await expect.poll(() => h.events('meter-recovered').length).toBe(1);
  expect(lastValues(h, 'meter-4')['power_w']).toBe(4600);
  // The live meters reported every second throughout.
  expect(h.readings('energy', 'meter-1').length).toBeGreaterThanOrEqual(9);
});
