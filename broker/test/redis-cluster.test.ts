import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { TOPICS, usernameOf, type Principal } from '@hameau/protocol';
import { MemoryCredentialStore } from '../src/credential-store.js';
import { parseBrokerConfig, startBroker, type RunningBroker } from '../src/index.js';
import { silent } from './helpers.js';

// Two broker instances sharing the machine's Redis (db 15 is reserved for this test, and a
// random site id keeps concurrent runs apart, since Redis pub/sub ignores the db number).
const REDIS_URL = process.env['HAMEAU_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';
const site = `t${randomBytes(4).toString('hex')}`;
const dev: Principal = { role: 'device', site, device: 'locker-1', kind: 'locker' };
const api: Principal = { role: 'cloud', name: 'cloud' };
const own = { site, device: 'locker-1' };

const credentials = new MemoryCredentialStore();
let a: RunningBroker;
let b: RunningBroker;
const passwords = new Map<Principal, string>();
const clients: MqttClient[] = [];

async function connect(broker: RunningBroker, p: Principal, opts: IClientOptions = {}) {
  const username = usernameOf(p);
  const c = await connectAsync(`mqtt://127.0.0.1:${broker.mqtt.port}`, {
    username,
    password: passwords.get(p) ?? '',
    clientId: p.role === 'device' ? username : `${username}:${String(clients.length)}`,
    reconnectPeriod: 0,
    ...opts,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
  for (const p of [dev, api]) passwords.set(p, await credentials.add(p));
  const config = parseBrokerConfig({
    host: '127.0.0.1',
    mqttPort: 0,
    wsPort: null,
    httpPort: null,
    redisUrl: REDIS_URL,
  });
  a = await startBroker(config, { credentials, log: silent });
  b = await startBroker(config, { credentials, log: silent });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await Promise.all([a.close(), b.close()]);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
});

it('delivers a message from a client of instance A to a subscriber on instance B', async () => {
  expect(a.aedes.id).not.toBe(b.aedes.id);
  const sub = await connect(b, api);
  await sub.subscribeAsync(TOPICS.telemetry.filter({ site }), { qos: 1 });
  const received = new Promise<string>((resolve) => {
    sub.once('message', (topic, payload) => {
      resolve(`${topic} ${payload.toString()}`);
    });
  });
  const pub = await connect(a, dev);
  const topic = TOPICS.telemetry.build({ ...own, stream: 'energy' });
  await pub.publishAsync(topic, '{"n":1}', { qos: 1 });
  expect(await received).toBe(`${topic} {"n":1}`);
  await pub.endAsync();
});

it('shares retained messages: a birth published on A is served by B', async () => {
  const pub = await connect(a, dev);
  const topic = TOPICS.status.build(own);
  await pub.publishAsync(topic, '{"state":"online"}', { qos: 1, retain: true });
  await pub.endAsync();
  const sub = await connect(b, api);
  const retained = new Promise<boolean>((resolve) => {
    sub.once('message', (_t, _p, packet) => {
      resolve(packet.retain);
    });
  });
  await sub.subscribeAsync(TOPICS.status.filter({ site }), { qos: 1 });
  expect(await retained).toBe(true);
});

it('keeps a device session across instances: a command queued while offline reaches it on B', async () => {
  const first = await connect(a, dev, { clean: false });
  await first.subscribeAsync(TOPICS.command.filter(own), { qos: 1 });
  await first.endAsync();

  const cloud = await connect(a, api);
  const topic = TOPICS.command.build({ ...own, name: 'unlock' });
  await cloud.publishAsync(topic, '{"id":"queued"}', { qos: 1 });

  const again = await connectAsync(`mqtt://127.0.0.1:${b.mqtt.port}`, {
    username: usernameOf(dev),
    password: passwords.get(dev) ?? '',
    clientId: usernameOf(dev),
    clean: false,
    reconnectPeriod: 0,
    manualConnect: false,
  });
  clients.push(again);
  const got = await new Promise<string>((resolve) => {
    again.once('message', (t, payload) => {
      resolve(`${t} ${payload.toString()}`);
    });
  });
  expect(got).toBe(`${topic} {"id":"queued"}`);
});

it('answers a SUBSCRIBE of several topics for a persistent session (aedes stores it per topic)', async () => {
  const cloud = await connect(a, api, { clean: false });
  const filters = [TOPICS.status.filter(), TOPICS.telemetry.filter(), TOPICS.event.filter()];
  const granted = await cloud.subscribeAsync(filters, { qos: 1 });
  expect(granted.map((g) => [g.topic, g.qos])).toEqual(filters.map((f) => [f, 1]));
  // And the subscriptions work: a device's reading reaches it through instance B.
  const device = await connect(b, dev);
  const got = new Promise<string>((resolve) =>
    cloud.once('message', (t) => {
      resolve(t);
    }),
  );
  const topic = TOPICS.telemetry.build({ ...own, stream: 'counter' });
  await device.publishAsync(topic, '{}', { qos: 1 });
  expect(await got).toBe(topic);
});

it('delivers a persistent session everything queued while it was away, past 1,000 messages', async () => {
  const first = await connect(a, api, { clean: false, clientId: 'cloud:queue' });
  await first.subscribeAsync(TOPICS.telemetry.filter({ site }), { qos: 1 });
  await first.endAsync();
  const device = await connect(a, dev);
  const topic = TOPICS.telemetry.build({ ...own, stream: 'queue' });
  const count = 1_500;
  for (let i = 0; i < count; i++) await device.publishAsync(topic, String(i), { qos: 1 });
  const got = new Set<string>();
  const again = await connect(b, api, { clean: false, clientId: 'cloud:queue' });
  again.on('message', (_t, payload) => got.add(payload.toString()));
  await vi.waitFor(
    () => {
      expect(got.size).toBe(count);
    },
    { timeout: 15_000, interval: 50 },
  );
});
