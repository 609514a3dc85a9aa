import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { CounterDevice } from '@hameau/firmware-sim';
import { ManualClock, TOPICS } from '@hameau/protocol';
import { counterModule } from '../../../src/modules/counter/counter-module.js';
import { parseCounterReply } from '../../../src/modules/counter/counter-reply.js';
import { Outbox } from '../../../src/outbox/outbox.js';
import type { AgentEvents } from '../../../src/runtime/agent-events.js';
import { EventBus } from '../../../src/runtime/event-bus.js';
import { createModuleContext } from '../../../src/runtime/module-context.js';
import { OutboxWriter } from '../../../src/runtime/outbox-writer.js';
import { AgentState } from '../../../src/store/agent-state.js';
import { openAgentDb } from '../../../src/store/agent-db.js';

const log = pino({ level: 'silent' });
const agent = { site: 'mairie', device: 'counter-1', kind: 'meters' as const };
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 21));
  const device = new CounterDevice({ id: 'c1' }, { clock });
  const { endpoints } = await device.start();
  const port = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
  const db = openAgentDb(':memory:');
  const outbox = new Outbox(db, { clock, maxRecords: 10_000, maxAgeMs: 86_400_000 });
  const ctx = createModuleContext(
    {
      agent,
      clock,
      log,
      outbox,
      writer: new OutboxWriter(outbox, agent),
      bus: new EventBus<AgentEvents>(log),
      state: new AgentState(db),
    },
    'counter',
    counterModule.configSchema.parse({ port, intervalMs: 1_000, timeoutMs: 500 }),
  );
  const instance = counterModule.create(ctx);
  await instance.start();
  stops.push(async () => {
    await instance.stop();
    await device.stop();
    db.close();
  });
  const readings = () =>
    outbox
      .oldest(1_000)
      .filter((e) => e.topic === TOPICS.telemetry.build({ ...agent, stream: 'counter' }))
      .map((e) => TOPICS.telemetry.decode(e.payload));
  /** Advances one poll and waits until it has been written. */
  const tick = async () => {
    const before = readings().length;
    await clock.advance(1_000);
    await expect.poll(() => readings().length).toBe(before + 1);
  };
  return { clock, device, readings, tick };
}

it('reports each numbered reading of the simulated device once, in order', async () => {
  const s = await setup();
  for (let i = 0; i < 3; i++) await s.tick();
  expect(s.readings().map((r) => r.values)).toEqual([
    { n: 1, value: 0.5 },
    { n: 2, value: 1 },
    { n: 3, value: 1.5 },
  ]);
});

it('records a silent device as a missing reading with its reason, then recovers', async () => {
  const s = await setup();
  await s.tick();
  s.device.inject({ mode: 'silent' });
  await s.clock.advance(1_000);
  await s.clock.advance(500); // the reply timeout
  await expect.poll(() => s.readings().length).toBe(2);
  expect(s.readings()[1]).toMatchObject({
    values: { n: null, value: null },
    missing: { n: 'timeout' },
  });
  s.device.clearFault();
  // Up to the next poll exactly: the clock must not pass that poll's reply timeout before the
  // (real) socket has had a chance to answer.
  await s.clock.advance(500);
  await expect.poll(() => s.readings().length).toBe(3);
  // The silent request consumed no number on the device, so nothing is skipped or repeated.
  expect(s.readings().at(-1)?.missing).toBeUndefined();
  expect(s.readings().at(-1)?.values).toEqual({ n: 2, value: 1 });
});

it('never turns garbage into a number', () => {
  expect(parseCounterReply('N 12 6')).toEqual({ kind: 'reading', seq: 12, value: 6 });
  expect(parseCounterReply('N 12 6x')).toEqual({ kind: 'error', reason: 'garbage reply' });
  expect(parseCounterReply('\u0007\u0010zz')).toEqual({ kind: 'error', reason: 'garbage reply' });
  expect(parseCounterReply('E unknown-command')).toEqual({
    kind: 'error',
    reason: 'device: unknown-command',
  });
});
