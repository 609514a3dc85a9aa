import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { CounterDevice } from '@hameau/firmware-sim';
import { ManualClock, TOPICS } from '@hameau/protocol';
import { counterModule } from '../../../src/modules/counter/counter-module.js';
import { Outbox } from '../../../src/outbox/outbox.js';
import type { AgentEvents } from '../../../src/runtime/agent-events.js';
import { CommandDispatcher } from '../../../src/runtime/command-dispatcher.js';
import { EventBus } from '../../../src/runtime/event-bus.js';
import { ModuleHost } from '../../../src/runtime/module-host.js';
import { ModuleRegistry } from '../../../src/runtime/module-registry.js';
import { OutboxWriter } from '../../../src/runtime/outbox-writer.js';
import { AgentState } from '../../../src/store/agent-state.js';
import { openAgentDb } from '../../../src/store/agent-db.js';
import { ExecutedCommands } from '../../../src/store/executed-commands.js';

const log = pino({ level: 'silent' });
const agent = { site: 'mairie', device: 'counter-1', kind: 'meters' as const };
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

/**
 * The counter module as the agent runs it: in a `ModuleHost`, its commands dispatched by the
 * real `CommandDispatcher`, against the simulated device over TCP. Time is a `ManualClock`, so
 * no poll happens unless the test advances it.
 */
async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 21));
  const device = new CounterDevice({ id: 'c1' }, { clock });
  const { endpoints } = await device.start();
  const port = endpoints[0]?.transport === 'tcp' ? endpoints[0].port : 0;
  const db = openAgentDb(':memory:');
  const outbox = new Outbox(db, { clock, maxRecords: 10_000, maxAgeMs: 86_400_000 });
  const writer = new OutboxWriter(outbox, agent);
  const host = new ModuleHost({
    agent,
    clock,
    log,
    outbox,
    writer,
    bus: new EventBus<AgentEvents>(log),
    state: new AgentState(db),
    registry: new ModuleRegistry([counterModule]),
    modules: {
      counter: counterModule.configSchema.parse({ port, intervalMs: 1_000, timeoutMs: 500 }),
    },
  });
  await host.start();
  expect(host.status()).toEqual({ counter: { state: 'running' } });
  const dispatcher = new CommandDispatcher({
    db,
    executed: new ExecutedCommands(db, clock),
    writer,
    commands: host,
    clock,
    log,
  });
  dispatcher.start();
  stops.push(async () => {
    dispatcher.stop();
    await host.stop();
    await device.stop();
    db.close();
  });

  let next = 1;
  /** Hands a `read` command (valid for a minute) to the dispatcher, as the link would. */
  const send = (args: Record<string, unknown> = {}) => {
    const id = `cmd-read-${String(next++).padStart(4, '0')}`;
    const now = clock.now();
    const payload = {
      id,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 60_000).toISOString(),
      issuedBy: 'tech-anna',
      args,
    };
    return { id, handled: dispatcher.handle('read', Buffer.from(JSON.stringify(payload))) };
  };
  const entries = () => outbox.oldest(1_000);
  const results = (id: string) =>
    entries()
      .filter((e) => e.kind === 'command-result')
      .map((e) => TOPICS.commandResult.decode(e.payload))
      .filter((r) => r.id === id);
  const readings = () =>
    entries()
      .filter((e) => e.topic === TOPICS.telemetry.build({ ...agent, stream: 'counter' }))
      .map((e) => TOPICS.telemetry.decode(e.payload));
  return { clock, device, send, results, readings };
}

it('takes a reading now, between polls, answers it and reports it like a polled one', async () => {
  const s = await setup();
  const { id, handled } = s.send();
  await handled;
  expect(s.results(id)).toMatchObject([
    { status: 'accepted' },
    { status: 'ok', data: { n: 1, value: 0.5 } },
  ]);
  expect(s.readings().map((r) => r.values)).toEqual([{ n: 1, value: 0.5 }]);
  // The next poll gets the next number: the command's reading was the device's, not a copy.
  await s.clock.advance(1_000);
  await expect.poll(() => s.readings().length).toBe(2);
  expect(s.readings()[1]?.values).toEqual({ n: 2, value: 1 });
});

it('refuses any argument as INVALID_ARGS without asking the device', async () => {
  const s = await setup();
  const { id, handled } = s.send({ force: true });
  await handled;
  expect(s.results(id)).toEqual([
    expect.objectContaining({
      status: 'error',
      error: { code: 'INVALID_ARGS', message: expect.stringContaining('force') as unknown },
    }),
  ]);
  expect(s.device.requests).toBe(0);
  expect(s.readings()).toEqual([]);
});

it('answers HARDWARE_FAILURE with the reason when the device is silent, and reports no 0', async () => {
  const s = await setup();
  s.device.inject({ mode: 'silent' });
  const { id, handled } = s.send();
  // The request has reached the device; only then may the reply timeout run.
  await expect.poll(() => s.device.requests).toBe(1);
  await s.clock.advance(500);
  await handled;
  expect(s.results(id)).toMatchObject([
    { status: 'accepted' },
    { status: 'error', error: { code: 'HARDWARE_FAILURE', message: 'timeout' } },
  ]);
  expect(s.readings()).toMatchObject([
    { values: { n: null, value: null }, missing: { n: 'timeout', value: 'timeout' } },
  ]);
});

it('answers HARDWARE_FAILURE when the device cannot be reached', async () => {
  const s = await setup();
  await s.device.stop();
  const { id, handled } = s.send();
  await handled;
  expect(s.results(id).at(-1)).toMatchObject({
    status: 'error',
    error: { code: 'HARDWARE_FAILURE', message: 'device unreachable' },
  });
  expect(s.readings()[0]?.values).toEqual({ n: null, value: null });
});

it('serves reads asked at once one after the other, each with its own reading', async () => {
  const s = await setup();
  // Both handlers start in the same tick, with a poll on top: none may take another's answer.
  const a = s.send();
  const b = s.send();
  await s.clock.advance(1_000);
  await Promise.all([a.handled, b.handled]);
  const ns = [a.id, b.id].map((id) => {
    const outcome = s.results(id).at(-1);
    return outcome?.status === 'ok' ? outcome.data['n'] : outcome;
  });
  expect(ns).toEqual([1, 2]);
  await expect.poll(() => s.readings().length).toBe(3);
  expect(s.readings().map((r) => r.values['n'])).toEqual([1, 2, 3]);
  expect(s.device.requests).toBe(3);
});
