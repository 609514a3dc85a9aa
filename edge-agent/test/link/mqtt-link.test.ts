import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { ManualClock, TOPICS, type DeviceKind, type TelemetryPayload } from '@hameau/protocol';
import { MqttLink } from '../../src/link/mqtt-link.js';
import type { OutboxDeleteOn } from '../../src/outbox/outbox-config.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { AgentState } from '../../src/store/agent-state.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { startTcpProxy } from './tcp-proxy.js';

const log = pino({ level: 'silent' });

/** Brokers the link must work with unchanged: the machine's Mosquitto, and aedes. */
const brokers: [
  string,
  () => Promise<{ host: string; port: number; close: () => Promise<void> }>,
][] = [
  [
    'mosquitto',
    () => Promise.resolve({ host: '127.0.0.1', port: 1883, close: () => Promise.resolve() }),
  ],
  [
    'aedes',
    async () => {
      const aedes = await Aedes.createBroker();
      const server: Server = createServer({ noDelay: true }, (s) => aedes.handle(s));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        close: async () => {
          await new Promise<void>((resolve) => {
            aedes.close(() => {
              resolve();
            });
          });
          await new Promise<void>((resolve) =>
            server.close(() => {
              resolve();
            }),
          );
        },
      };
    },
  ],
];

describe.each(brokers)('MqttLink against %s', (_name, startBroker) => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  let observer: MqttClient;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    broker = await startBroker();
    observer = await connectAsync(`mqtt://${broker.host}:${broker.port}`, {
      clientId: `observer-${randomBytes(4).toString('hex')}`,
      reconnectPeriod: 0,
    });
  });
  afterAll(async () => {
    await observer.endAsync(true);
    await broker.close();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** An agent's link through a proxy that the test can cut. */
  async function agent(
    opts: { replayPerSecond?: number; deleteOn?: OutboxDeleteOn; kind?: DeviceKind } = {},
  ) {
    const site = `t${randomBytes(4).toString('hex')}`;
    const identity = { site, device: 'agent-1', kind: opts.kind ?? 'meters' };
    const proxy = await startTcpProxy({ host: broker.host, port: broker.port });
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 21));
    const db = openAgentDb(':memory:');
    const outbox = new Outbox(db, {
      clock,
      maxRecords: 100_000,
      maxAgeMs: 86_400_000,
      ...(opts.deleteOn && { deleteOn: opts.deleteOn }),
    });
    const state = new AgentState(db);
    const commands: string[] = [];
    const configs: string[] = [];
    const retained: string[] = [];
    const link = new MqttLink(
      {
        url: proxy.url,
        username: `${site}/agent-1`,
        password: 'unused-by-these-brokers',
        keepaliveSeconds: 30,
        reconnect: { minMs: 1_000, maxMs: 8_000 },
        identity,
        version: 'test',
        replayPerSecond: opts.replayPerSecond ?? 1_000,
        clock,
        log,
        outbox,
        state,
        random: () => 1,
      },
      {
        onCommand: (name, payload) => commands.push(`${name} ${payload.toString()}`),
        onDesiredConfig: (payload) => configs.push(payload.toString()),
        onCredentials: (payload) => retained.push(`credentials ${payload.toString()}`),
        onWeather: (payload) => retained.push(`weather ${payload.toString()}`),
      },
    );
    const received: TelemetryPayload[] = [];
    const statuses: { state: string; session: number; reason?: string | undefined }[] = [];
    const onMessage = (topic: string, payload: Buffer) => {
      if (TOPICS.telemetry.match(topic)?.site === site)
        received.push(TOPICS.telemetry.decode(payload));
      if (TOPICS.status.match(topic)?.site === site && payload.length > 0) {
        statuses.push(TOPICS.status.decode(payload));
      }
    };
    observer.on('message', onMessage);
    await observer.subscribeAsync(
      [TOPICS.telemetry.filter({ site }), TOPICS.status.filter({ site })],
      {
        qos: 1,
      },
    );
    cleanups.push(async () => {
      observer.off('message', onMessage);
      await link.stop();
      await proxy.close();
      // Clear the retained messages this test left on the shared broker.
      await observer.publishAsync(TOPICS.status.build(identity), '', { qos: 1, retain: true });
      await observer.publishAsync(TOPICS.ingested.build(identity), '', { qos: 1, retain: true });
      db.close();
    });
    /** What the cloud publishes once it has stored these seqs. */
    const ingested = (seen: [number, number][], session = 1) =>
      observer.publishAsync(
        TOPICS.ingested.build(identity),
        TOPICS.ingested.encode({ at: new Date(clock.now()).toISOString(), session, seen }),
        { qos: 1, retain: true },
      );
    const read = (n: number) =>
      outbox.append('telemetry', (seq, at) => ({
        topic: TOPICS.telemetry.build({ site, device: 'agent-1', stream: 'energy' }),
        payload: { seq, at, historical: false, source: 'm1', values: { n } },
      }));
    return {
      site,
      identity,
      link,
      outbox,
      clock,
      proxy,
      received,
      statuses,
      commands,
      configs,
      retained,
      read,
      ingested,
      seqs: () => outbox.oldest(1_000).map((e) => e.seq),
    };
  }

  it('announces itself and delivers every reading, deleting each at PUBACK in puback mode', async () => {
    const a = await agent({ deleteOn: 'puback' });
    a.link.start();
    await expect.poll(() => a.link.connected).toBe(true);
    await expect.poll(() => a.statuses.at(-1)).toMatchObject({ state: 'online', session: 1 });
    for (let n = 1; n <= 20; n++) a.read(n);
    await expect.poll(() => a.received.length).toBe(20);
    expect(a.received.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(a.received.every((r) => !r.historical)).toBe(true);
    await expect.poll(() => a.outbox.stats().depth).toBe(0);
  });

  it('keeps readings through an outage and replays them oldest first, marked historical', async () => {
    const a = await agent({ replayPerSecond: 10, deleteOn: 'puback' });
    a.link.start();
    await expect.poll(() => a.link.connected).toBe(true);
    a.read(1);
    await expect.poll(() => a.received.length).toBe(1);

    a.proxy.cut();
    await expect.poll(() => a.link.connected).toBe(false);
    for (let n = 2; n <= 31; n++) a.read(n);
    expect(a.outbox.stats().depth).toBe(30);
    // The broker published the will: the device went away without saying goodbye.
    await expect.poll(() => a.statuses.at(-1)).toMatchObject({ state: 'offline', reason: 'will' });

    a.proxy.restore();
    await a.clock.advance(1_000); // first reconnect delay (random() = 1 → the full window)
    await expect.poll(() => a.link.connected).toBe(true);
    await expect.poll(() => a.statuses.at(-1)).toMatchObject({ state: 'online', session: 2 });
    // The replay is throttled at 10/s: a live reading overtakes the backlog.
    a.read(32);
    await expect.poll(() => a.received.some((r) => r.seq === 32)).toBe(true);
    expect(a.received.filter((r) => r.historical).length).toBeLessThanOrEqual(10);
    for (let s = 0; s < 4; s++) await a.clock.advance(1_000);
    await expect.poll(() => a.received.length).toBe(32);

    const seqs = a.received.map((r) => r.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    const replayed = a.received.filter((r) => r.historical).map((r) => r.seq);
    expect(replayed).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(a.received.find((r) => r.seq === 32)?.historical).toBe(false);
    await expect.poll(() => a.outbox.stats().depth).toBe(0);
  });

  it('sends the backlog again when the cloud leaves what it was sent unacknowledged', async () => {
    // The cloud-ack default: a record leaves the outbox when the cloud says it stored it.
    const a = await agent();
    a.link.start();
    await expect.poll(() => a.link.ready).toBe(true);
    for (let n = 1; n <= 3; n++) a.read(n);
    await expect.poll(() => a.received.length).toBe(3);
    // Nobody acknowledges (the cloud's session was not there): noticed at the first check,
    // sent again at the second.
    await a.clock.advance(30_000);
    expect(a.received).toHaveLength(3);
    await a.clock.advance(30_000);
    await expect.poll(() => a.received.length).toBe(6);
    expect(a.received.slice(3).map((r) => [r.seq, r.historical])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    // Once the cloud has them, nothing goes again.
    await a.ingested([[1, 3]]);
    await expect.poll(() => a.seqs()).toEqual([]);
    for (let i = 0; i < 10; i++) await a.clock.advance(60_000);
    expect(a.received).toHaveLength(6);
  });

  it('receives its commands and desired config, and nobody else’s', async () => {
    const a = await agent();
    a.link.start();
    await expect.poll(() => a.link.ready).toBe(true);
    await observer.publishAsync(
      TOPICS.command.build({ ...a.identity, name: 'unlock' }),
      '{"id":"c1"}',
      { qos: 1 },
    );
    await observer.publishAsync(
      TOPICS.command.build({ site: a.site, device: 'other', name: 'unlock' }),
      '{"id":"not-mine"}',
      { qos: 1 },
    );
    await observer.publishAsync(TOPICS.desiredConfig.build(a.identity), '{"version":1}', {
      qos: 1,
      retain: true,
    });
    await expect.poll(() => a.commands).toEqual(['unlock {"id":"c1"}']);
    await expect.poll(() => a.configs).toEqual(['{"version":1}']);
    await observer.publishAsync(TOPICS.desiredConfig.build(a.identity), '', {
      qos: 1,
      retain: true,
    });
  });

  it.each([
    ['locker', 'credentials'],
    ['lighting', 'weather'],
  ] as const)(
    'as a %s device, takes its own retained %s and not the other kind’s',
    async (kind, expected) => {
      const a = await agent({ kind });
      // Retained before the device connects: what a device coming back finds waiting.
      for (const row of [TOPICS.credentials, TOPICS.weather]) {
        await observer.publishAsync(row.build(a.identity), `{"for":"${row.name}"}`, {
          qos: 1,
          retain: true,
        });
        await observer.publishAsync(
          row.build({ site: a.site, device: 'other' }),
          '{"for":"not-mine"}',
          { qos: 1, retain: true },
        );
      }
      a.link.start();
      await expect.poll(() => a.link.ready).toBe(true);
      await expect.poll(() => a.retained).toEqual([`${expected} {"for":"${expected}"}`]);
      for (const row of [TOPICS.credentials, TOPICS.weather]) {
        for (const device of [a.identity.device, 'other']) {
          await observer.publishAsync(row.build({ site: a.site, device }), '', {
            qos: 1,
            retain: true,
          });
        }
      }
    },
  );

  it('gets commands sent while it was offline, through its persistent session', async () => {
    const a = await agent();
    a.link.start();
    await expect.poll(() => a.link.ready).toBe(true);
    a.proxy.cut();
    await expect.poll(() => a.link.connected).toBe(false);
    await observer.publishAsync(
      TOPICS.command.build({ ...a.identity, name: 'resync' }),
      '{"id":"late"}',
      {
        qos: 1,
      },
    );
    a.proxy.restore();
    await a.clock.advance(1_000);
    await expect.poll(() => a.commands).toEqual(['resync {"id":"late"}']);
  });

  it('keeps a record the broker acknowledged until the cloud confirms its seq', async () => {
    const a = await agent();
    a.link.start();
    await expect.poll(() => a.link.ready).toBe(true);
    for (let n = 1; n <= 10; n++) a.read(n);
    await expect.poll(() => a.received.length).toBe(10);
    await expect.poll(() => a.link.inflight).toBe(0);
    // Every PUBACK is in, and the removal a PUBACK would schedule has had its turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.outbox.stats().depth).toBe(10);

    await a.ingested([
      [1, 3],
      [6, 6],
    ]);
    await expect.poll(() => a.seqs()).toEqual([4, 5, 7, 8, 9, 10]);
    await a.ingested([[1, 10]]);
    await expect.poll(() => a.outbox.stats().depth).toBe(0);
    // Sent once on this connection: a PUBACK never puts a record back in the queue.
    expect(a.received.map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('replays what the cloud has not confirmed after a reconnect, as history', async () => {
    const a = await agent();
    a.link.start();
    await expect.poll(() => a.link.ready).toBe(true);
    for (let n = 1; n <= 8; n++) a.read(n);
    await expect.poll(() => a.received.length).toBe(8);
    await a.ingested([[1, 3]]);
    await expect.poll(() => a.seqs()).toEqual([4, 5, 6, 7, 8]);

    a.proxy.cut();
    await expect.poll(() => a.link.connected).toBe(false);
    a.proxy.restore();
    await a.clock.advance(1_000);
    await expect.poll(() => a.link.ready).toBe(true);
    // The retained [[1, 3]] comes back with the subscription and changes nothing; 4..8 go again.
    await expect.poll(() => a.received.length).toBe(13);
    const replayed = a.received.slice(8);
    expect(replayed.map((r) => r.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(replayed.every((r) => r.historical)).toBe(true);
    expect(a.seqs()).toEqual([4, 5, 6, 7, 8]);
    await a.ingested([[1, 8]], 2);
    await expect.poll(() => a.outbox.stats().depth).toBe(0);
  });

  it('applies the retained acknowledgement it finds when it connects', async () => {
    const a = await agent({ replayPerSecond: 1 });
    for (let n = 1; n <= 6; n++) a.read(n);
    // Stored by the cloud before this agent restarted, and confirmed while it was away.
    await a.ingested([[1, 4]]);
    a.link.start();
    await expect.poll(() => a.seqs()).toEqual([5, 6]);
  });

  it('ignores an invalid acknowledgement and one from a later session of the device', async () => {
    const a = await agent();
    a.link.start();
    await expect.poll(() => a.link.ready).toBe(true);
    for (let n = 1; n <= 5; n++) a.read(n);
    await expect.poll(() => a.received.length).toBe(5);
    await observer.publishAsync(TOPICS.ingested.build(a.identity), '{"seen": [[1, 5]]}', {
      qos: 1,
      retain: true,
    });
    await observer.publishAsync(TOPICS.ingested.build(a.identity), '[[1, 5]', {
      qos: 1,
      retain: true,
    });
    // The cloud knows session 7 and this agent is in session 1: it lost its database since.
    await a.ingested([[1, 5]], 7);
    // The link is still listening: a valid message afterwards is applied.
    await a.ingested([[2, 2]]);
    await expect.poll(() => a.seqs()).toEqual([1, 3, 4, 5]);
    expect(a.link.connected).toBe(true);
  });

  it('says goodbye on stop: offline, reason shutdown, retained', async () => {
    const a = await agent();
    a.link.start();
    await expect.poll(() => a.link.connected).toBe(true);
    await a.link.stop();
    await expect
      .poll(() => a.statuses.at(-1))
      .toMatchObject({ state: 'offline', reason: 'shutdown' });
  });
});
