import { pino } from 'pino';
import { expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { BusLink } from '../../../../src/modules/metering/poller/bus-link.js';
import type { ReadRequest } from '../../../../src/modules/metering/transport/modbus-client.js';
import { FakeBus } from '../helpers/fake-bus.js';
import { image } from '../helpers/register-image.js';

const log = pino({ level: 'silent' });
const request: ReadRequest = { unitId: 1, functionCode: 4, address: 0, count: 2, timeoutMs: 500 };
/** A 2-register read at 19,200 baud on the fake bus: 17 bytes on the wire plus t3.5 (3.5 bytes). */
const READ_MS = ((17 + 3.5) * 11 * 1000) / 19_200;

function setup(gapMs = 0) {
  const clock = new ManualClock(0);
  const bus = new FakeBus(clock, 19_200);
  bus.units.set(1, { kind: 'ok', image: { 4: image([[0, 0x4366, 0x8000]]) } });
  const link = new BusLink({
    client: bus,
    clock,
    log,
    gapMs,
    reconnect: { minMs: 1_000, maxMs: 4_000 },
  });
  /** Settles `work` (started just before) by running the clock for `ms`. */
  const settle = async <T>(work: Promise<T>, ms = 600) => {
    const outcome = work.then(
      (words) => ({ words }),
      (err: unknown) => ({ error: (err as Error).message }),
    );
    await clock.advance(0); // let the request reach the bus before time moves
    await clock.advance(ms);
    return outcome;
  };
  return { clock, bus, link, settle };
}

it('opens the client on first use and waits the gap between requests, and nothing more', async () => {
  const { clock, bus, link, settle } = setup(5);
  expect(await settle(link.read(request), 100)).toEqual({ words: [0x4366, 0x8000] });
  // Long after the gap: the next request goes at once.
  await settle(link.read(request), 100);
  expect(bus.requests[1]?.at).toBe(100);
  // Back to back: the next one waits exactly the gap after the end of the previous one.
  await settle(
    link.read(request).then(() => link.read(request)),
    100,
  );
  const [, , third, fourth] = bus.requests;
  expect((fourth?.at ?? 0) - ((third?.at ?? 0) + READ_MS)).toBeCloseTo(5, 9);
  expect(bus.opens).toBe(1);
  expect(clock.now()).toBe(300);
});

it('reopens a lost link at once, then backs off while it keeps failing', async () => {
  const { clock, bus, link, settle } = setup();
  expect(await settle(link.read(request))).toEqual({ words: [0x4366, 0x8000] });
  expect(link.connected).toBe(true);
  bus.drop();
  expect(link.connected).toBe(false);
  bus.refuseOpen = true;
  const tries: number[] = [];
  const open = bus.open.bind(bus);
  bus.open = () => {
    tries.push(clock.now());
    return open();
  };
  // The first read after the loss tries at once.
  expect(await settle(link.read(request))).toEqual({ error: 'bus disconnected: ECONNREFUSED' });
  // Within the backoff a read fails fast without trying: 1 s, then 2 s, then 4 s (the max).
  for (let i = 0; i < 20; i++) {
    expect(await settle(link.read(request))).toEqual({
      error: 'bus disconnected: ECONNREFUSED',
    });
  }
  const first = tries[0] ?? 0;
  expect(tries.map((t) => t - first)).toEqual([0, 1_200, 3_600, 7_800, 12_000]);
  bus.refuseOpen = false;
  await clock.advance(4_000);
  expect(await settle(link.read(request))).toEqual({ words: [0x4366, 0x8000] });
  // Up again: a later loss is retried at once, not after the last backoff.
  bus.drop();
  expect(await settle(link.read(request))).toEqual({ words: [0x4366, 0x8000] });
});

it('fails every read once closed for good', async () => {
  const { link, settle } = setup();
  await link.close();
  expect(await settle(link.read(request))).toEqual({ error: 'bus disconnected: closed' });
});

it('fails a read that is waiting out the gap as soon as the link is closed, with no clock tick', async () => {
  const { clock, bus, link, settle } = setup(5);
  await settle(link.read(request), 100);
  // Back to back with a read that ends now: the next one has the whole gap to wait.
  const first = link.read(request);
  await clock.advance(0);
  await clock.advance(READ_MS);
  await first;
  const waiting = link.read(request).then(
    () => 'read',
    (err: unknown) => (err as Error).message,
  );
  await link.close();
  // The clock stays where it is: the gap's timer never fires, yet the read is over.
  expect(await waiting).toMatch(/closed/);
  expect(bus.requests).toHaveLength(2);
});
