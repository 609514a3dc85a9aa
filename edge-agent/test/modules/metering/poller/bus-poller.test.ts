import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { FakeBus } from '../helpers/fake-bus.js';
import { startMetering, type MeteringHarness } from '../helpers/metering-harness.js';
import { image } from '../helpers/register-image.js';

const running: MeteringHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
});

const TEN_MINUTES = 600_000;
/**
 * The reference's shortest cycle of a 2-register read at 9,600 baud:
 * (8 + 5 + 4) × 11 / 9600 + 2 × t3.5 = 27.5 ms, about 36 reads/s (docs: meters.md).
 */
const CYCLE_MS = (17 * 11 * 1000) / 9_600 + (2 * 3.5 * 11 * 1000) / 9_600;

/** A bus of one-float meters at `units`, polled as fast as it goes; reads counted per unit. */
async function runBus(units: number[], live: number[], baud = 9_600) {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 8));
  const fake = new FakeBus(clock, baud);
  for (const unit of live) {
    fake.units.set(unit, { kind: 'ok', image: { 4: image([[0, 0x4366, 0x8000]]) } });
  }
  const h = await startMetering(
    {
      models: {
        'one-float': {
          name: 'One float',
          functionCode: 4,
          type: 'float32',
          registers: [{ quantity: 'power_w', register: 0, unit: 'W' }],
        },
      },
      buses: [
        {
          id: 'saturated',
          transport: 'rtu',
          path: '/dev/ttyUSB0',
          baud,
          timeoutMs: 500,
          meters: units.map((unitId) => ({
            id: `m${unitId}`,
            model: 'one-float',
            unitId,
            intervalMs: 60_000,
            pollMs: 20,
          })),
        },
      ],
    },
    () => fake,
    { clock },
  );
  running.push(h);
  await clock.advance(TEN_MINUTES);
  return { fake, h };
}

it('polls a saturated RTU bus at ≥ 90 % of what the baud rate allows, one request at a time', async () => {
  const { fake } = await runBus([1, 2], [1, 2]);
  const reads = fake.count(1) + fake.count(2);
  const allowed = TEN_MINUTES / CYCLE_MS; // 21,818
  expect(reads / allowed).toBeGreaterThanOrEqual(0.9);
  expect(reads).toBeLessThanOrEqual(Math.ceil(allowed));
  // Shared fairly.
  expect(Math.abs(fake.count(1) - fake.count(2))).toBeLessThanOrEqual(1);
  expect(fake.maxInFlight).toBe(1);
});

it('lets a dead meter cost the live ones at most 10 % of their rate', async () => {
  const alone = await runBus([1, 2], [1, 2]);
  const withDead = await runBus([1, 2, 3], [1, 2]);
  for (const unit of [1, 2]) {
    expect(withDead.fake.count(unit) / alone.fake.count(unit)).toBeGreaterThanOrEqual(0.9);
  }
  // The dead one was tried three times, then probed ever more rarely: 10 s, 20 s, 40 s… 300 s.
  expect(withDead.fake.count(3)).toBeLessThanOrEqual(12);
  expect(withDead.h.events('meter-unreachable')).toHaveLength(1);
  expect(withDead.fake.maxInFlight).toBe(1);
});

it.each([9_600, 115_200])(
  'serves every meter of a saturated bus at %i baud in turn, none losing periods to the others',
  async (baud) => {
    const units = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const { fake } = await runBus(units, units, baud);
    const counts = units.map((unit) => fake.count(unit));
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  },
);
