import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { FakeBus } from './helpers/fake-bus.js';
import { startMetering, type MeteringHarness } from './helpers/metering-harness.js';
import { image } from './helpers/register-image.js';

const running: MeteringHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
});

/** t3.5 at 9,600 baud: 4.01 ms. */
const T35_MS = (3.5 * 11 * 1000) / 9_600;
/** The agent's silence between two requests: t3.5 rounded up to whole ms. */
const GAP_MS = Math.ceil(T35_MS);
/**
 * One SDM120 poll on the fake 9,600 baud line: 6 reads of 110 bytes in all, each answered
 * after t3.5, with the agent's gap between two reads: 175 ms.
 */
const POLL_MS = (110 * 11 * 1000) / 9_600 + 6 * T35_MS + 5 * GAP_MS;
/** Time enough for one poll to end (sums of fractions of ms are not exact). */
const ONE_POLL = POLL_MS + 1;

// SDM120 registers: 230.5 V, 1.5 A, 345.75 W, PF 0.9375, 50 Hz, import 12.5, export 0.3125,
// total 13.0625 kWh.
function sdm120(importKwh = [0x4148, 0x0000], powerW = [0x43ac, 0xe000]) {
  return {
    4: image([
      [0x0000, 0x4366, 0x8000],
      [0x0006, 0x3fc0, 0x0000],
      [0x000c, ...powerW],
      [0x001e, 0x3f70, 0x0000],
      [0x0046, 0x4248, 0x0000],
      [0x0048, ...importKwh],
      [0x004a, 0x3ea0, 0x0000],
      [0x0156, 0x4151, 0x0000],
    ]),
  };
}
const SDM120_VALUES = {
  voltage_v: 230.5,
  current_a: 1.5,
  power_w: 345.75,
  power_factor: 0.9375,
  frequency_hz: 50,
  energy_import_kwh: 12.5,
  energy_export_kwh: 0.3125,
  energy_total_kwh: 13.0625,
};

function config(meters: Record<string, unknown>[], bus: Record<string, unknown> = {}) {
  return {
    healthIntervalMs: 60_000,
    buses: [
      {
        id: 'cabinet-1',
        transport: 'rtu',
        path: '/dev/ttyUSB0',
        baud: 9_600,
        timeoutMs: 500,
        breaker: { failures: 3, minMs: 10_000, maxMs: 40_000 },
        meters,
        ...bus,
      },
    ],
  };
}

async function setup(meters: Record<string, unknown>[], bus: Record<string, unknown> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 8));
  const fake = new FakeBus(clock);
  const h = await startMetering(config(meters, bus), () => fake, { clock });
  running.push(h);
  return { h, fake, clock };
}

describe('the metering module on a bus', () => {
  it('reports each meter decoded by its model at start, then once per interval', async () => {
    const { h, fake, clock } = await setup([
      { id: 'mairie-lights', model: 'eastron-sdm120', unitId: 1, intervalMs: 10_000 },
    ]);
    fake.units.set(1, { kind: 'ok', image: sdm120() });
    // The meter was polled at start, before its unit was set up: a missing reading.
    await clock.advance(10_000 + ONE_POLL);
    const readings = h.readings('energy', 'mairie-lights');
    expect(readings).toHaveLength(2);
    expect(readings[0]?.missing).toMatchObject({ voltage_v: 'timeout' });
    expect(readings[1]?.values).toEqual(SDM120_VALUES);
    expect(readings[1]?.missing).toBeUndefined();
    await clock.advance(10_000);
    expect(h.readings('energy', 'mairie-lights')).toHaveLength(3);
  });

  it('records a dead meter as missing, never 0, opens its breaker with an alarm and recovers', async () => {
    const { h, fake, clock } = await setup([
      { id: 'dead-one', model: 'eastron-sdm120', unitId: 7, intervalMs: 1_000 },
    ]);
    // Three polls time out (at 0, 1 s and 2 s): the breaker opens after the third.
    await clock.advance(2_600);
    const readings = h.readings('energy', 'dead-one');
    expect(readings).toHaveLength(3);
    for (const r of readings) {
      expect(Object.values(r.values).every((v) => v === null)).toBe(true);
      expect(r.missing?.['energy_import_kwh']).toBe('timeout');
    }
    expect(h.events('meter-unreachable')).toMatchObject([
      {
        severity: 'alarm',
        subject: 'dead-one',
        data: {
          bus: 'cabinet-1',
          unitId: 7,
          reason: 'timeout',
          consecutiveErrors: 3,
          retryInMs: 10_000,
        },
      },
    ]);
    const asked = fake.count(7);
    // Open: no request for 10 s, and no readings either (the health stream says why).
    await clock.advance(9_000);
    expect(fake.count(7)).toBe(asked);
    expect(h.readings('energy', 'dead-one')).toHaveLength(3);
    // The meter comes back; the next probe finds it and the breaker closes.
    fake.units.set(7, { kind: 'ok', image: sdm120() });
    await clock.advance(2_000);
    expect(h.events('meter-recovered')).toMatchObject([
      { severity: 'info', subject: 'dead-one', data: { bus: 'cabinet-1', unitId: 7 } },
    ]);
    expect(h.readings('energy', 'dead-one').at(-1)?.values).toEqual(SDM120_VALUES);
  });

  it('spaces the probes of a dead meter further and further apart, up to the max', async () => {
    const { fake, clock } = await setup([
      { id: 'dead-one', model: 'eastron-sdm120', unitId: 7, intervalMs: 1_000 },
    ]);
    await clock.advance(300_000);
    const polls = fake.requests.filter((r) => r.unitId === 7 && r.address === 0).map((r) => r.at);
    const start = polls[0] ?? 0;
    // 3 polls, then probes 10 s, 20 s, 40 s, 40 s… after each failed one (+0.5 s of timeout,
    // rounded up to the next poll tick).
    expect(polls.map((t) => (t - start) / 1000)).toEqual([
      0, 1, 2, 13, 34, 75, 116, 157, 198, 239, 280,
    ]);
  });

  it('flags a counter going backwards, raises counter-reset and reports the new value at once', async () => {
    const { h, fake, clock } = await setup([
      { id: 'bank-2', model: 'eastron-sdm120', unitId: 1, intervalMs: 60_000, pollMs: 1_000 },
    ]);
    fake.units.set(1, { kind: 'ok', image: sdm120() });
    await clock.advance(60_000);
    const before = h.readings('energy', 'bank-2').length;
    // The meter is replaced: 0.3125 kWh on its import counter instead of 12.5.
    fake.units.set(1, { kind: 'ok', image: sdm120([0x3ea0, 0x0000]) });
    await clock.advance(1_000);
    expect(h.events('counter-reset')).toMatchObject([
      {
        severity: 'warning',
        subject: 'bank-2',
        data: {
          bus: 'cabinet-1',
          counters: [{ quantity: 'energy_import_kwh', previous: 12.5, current: 0.3125 }],
        },
      },
    ]);
    const readings = h.readings('energy', 'bank-2');
    expect(readings).toHaveLength(before + 1);
    expect(readings.at(-1)?.values).toMatchObject({ energy_import_kwh: 0.3125, counter_reset: 1 });
    // Later readings grow from the new value and are not flagged again.
    await clock.advance(60_000);
    expect(readings.at(-1)?.values['energy_import_kwh']).toBe(0.3125);
    expect(h.readings('energy', 'bank-2').at(-1)?.values['counter_reset']).toBeUndefined();
    expect(h.events('counter-reset')).toHaveLength(1);
  });

  it('reports early when power moves past the on-change threshold', async () => {
    const { h, fake, clock } = await setup([
      {
        id: 'pv-roof',
        model: 'eastron-sdm120',
        unitId: 1,
        intervalMs: 60_000,
        pollMs: 1_000,
        onChange: { powerW: 100 },
      },
    ]);
    fake.units.set(1, { kind: 'ok', image: sdm120() });
    await clock.advance(30_000);
    // The poll at start (before the unit answered) and the first one with a power value.
    expect(h.readings('energy', 'pv-roof').map((r) => r.values['power_w'])).toEqual([null, 345.75]);
    // 345.75 W → 1100 W: reported within one poll.
    fake.units.set(1, { kind: 'ok', image: sdm120(undefined, [0x4489, 0x8000]) });
    await clock.advance(1_000 + ONE_POLL);
    expect(h.readings('energy', 'pv-roof').map((r) => r.values['power_w'])).toEqual([
      null,
      345.75,
      1100,
    ]);
  });

  it('reports each meter’s health: last good read, errors by kind, breaker state', async () => {
    const { h, fake, clock } = await setup([
      { id: 'good', model: 'eastron-sdm120', unitId: 1, intervalMs: 10_000 },
      { id: 'dead', model: 'eastron-sdm120', unitId: 2, intervalMs: 10_000 },
    ]);
    fake.units.set(1, { kind: 'ok', image: sdm120() });
    await clock.advance(60_000);
    const health = Object.fromEntries(h.readings('meter-health').map((r) => [r.source, r]));
    // Reported at 60 s, while the poll of 60 s is on the line: the last good one ended at
    // 50 s + one poll.
    expect(health['good']?.values['last_good_age_s']).toBeCloseTo(10 - POLL_MS / 1000, 5);
    expect(health['good']?.values).toEqual({
      last_good_age_s: expect.any(Number) as unknown,
      consecutive_errors: 0,
      breaker_state: 0,
      bus_connected: 1,
      polls_ok: 5,
      polls_failed: 1, // the first poll, before the unit was set up
      polls_skipped: 0,
      errors_timeout: 1,
      errors_exception: 0,
      errors_crc: 0,
      errors_wrong_unit: 0,
      errors_garbage: 0,
      errors_disconnected: 0,
    });
    expect(health['dead']?.values).toMatchObject({
      last_good_age_s: null,
      consecutive_errors: 4, // three polls and one probe
      breaker_state: 2,
      errors_timeout: 4,
      polls_skipped: 2,
    });
    expect(health['dead']?.missing).toEqual({ last_good_age_s: 'never read' });
  });

  it('keeps the breakers shut while the bus link is down, and resumes every meter once it is back', async () => {
    const { h, fake, clock } = await setup(
      [
        { id: 'a', model: 'eastron-sdm120', unitId: 1, intervalMs: 1_000 },
        { id: 'b', model: 'eastron-sdm120', unitId: 2, intervalMs: 1_000 },
      ],
      { reconnect: { minMs: 1_000, maxMs: 8_000 } },
    );
    fake.units.set(1, { kind: 'ok', image: sdm120() });
    fake.units.set(2, { kind: 'ok', image: sdm120() });
    await clock.advance(2_000);
    fake.drop();
    fake.refuseOpen = true;
    await clock.advance(30_000);
    const down = h.readings('energy', 'a').at(-1);
    expect(down?.values['power_w']).toBeNull();
    expect(down?.missing?.['power_w']).toBe('bus disconnected: ECONNREFUSED');
    expect(h.events('meter-unreachable')).toEqual([]);
    fake.refuseOpen = false;
    await clock.advance(10_000); // within one reconnect backoff
    expect(h.readings('energy', 'a').at(-1)?.values).toEqual(SDM120_VALUES);
    expect(h.readings('energy', 'b').at(-1)?.values).toEqual(SDM120_VALUES);
  });

  it('keeps energy counter baselines across a restart of the agent', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 8));
    const fake = new FakeBus(clock);
    fake.units.set(1, { kind: 'ok', image: sdm120() });
    const meters = [{ id: 'bank-2', model: 'eastron-sdm120', unitId: 1, intervalMs: 1_000 }];
    const first = await startMetering(config(meters), () => fake, { clock });
    await clock.advance(1_000);
    await first.stop();
    fake.units.set(1, { kind: 'ok', image: sdm120([0x3ea0, 0x0000]) });
    const second = await startMetering(config(meters), () => fake, { clock, db: first.db });
    running.push(second);
    await clock.advance(ONE_POLL);
    expect(second.events('counter-reset')).toMatchObject([
      { data: { counters: [{ quantity: 'energy_import_kwh', previous: 12.5, current: 0.3125 }] } },
    ]);
  });

  it('restarts its pollers with a new desired configuration', async () => {
    const { h, fake, clock } = await setup([
      { id: 'a', model: 'eastron-sdm120', unitId: 1, intervalMs: 60_000 },
    ]);
    fake.units.set(1, { kind: 'ok', image: sdm120() });
    await clock.advance(60_000);
    const next = config([{ id: 'a', model: 'eastron-sdm120', unitId: 1, intervalMs: 1_000 }]);
    const { MeteringConfig } = await import('../../../src/modules/metering/metering-config.js');
    h.bus.emit('configChanged', { version: 2, modules: { metering: MeteringConfig.parse(next) } });
    const before = h.readings('energy', 'a').length;
    await clock.advance(10_000);
    expect(h.readings('energy', 'a').length - before).toBeGreaterThanOrEqual(10);
  });
});
