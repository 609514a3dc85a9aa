import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, type Principal } from '@hameau/protocol';
import { cloud, device, observer, startTestBroker, type TestBroker } from './helpers.js';

// The authorization matrix from the foundation issue, written out by hand as the specification
// (not derived from the protocol table, so a wrong table row makes these tests fail).

const me = device('mairie', 'locker-1');
const other = device('gare', 'meters-1');
const own = { site: 'mairie', device: 'locker-1' };
const theirs = { site: 'gare', device: 'meters-1' };

const status = { state: 'online', session: 1, at: '2026-11-25T21:00:00.000Z', kind: 'locker' };
const body = JSON.stringify(status);

let t: TestBroker;
let creds: Map<Principal, { username: string; password: string }>;
/** Sees every message that gets through, bypassing the ACL (aedes' internal bus). */
const seen: string[] = [];

beforeAll(async () => {
  t = await startTestBroker();
  creds = new Map();
  for (const p of [me, other, cloud, observer]) creds.set(p, await t.account(p));
  t.broker.aedes.subscribe(
    'hameau/#',
    (packet, done) => {
      seen.push(packet.topic);
      done();
    },
    () => undefined,
  );
});
afterAll(async () => {
  await t.close();
});

async function connect(p: Principal, clientId?: string): Promise<MqttClient> {
  const c = creds.get(p);
  if (!c) throw new Error('no account');
  return connectAsync(t.url, {
    username: c.username,
    password: c.password,
    clientId: clientId ?? c.username,
    reconnectPeriod: 0,
  });
}

/** Publishes and reports whether the message reached the broker's bus. */
async function publishGetsThrough(p: Principal, topic: string, retain: boolean): Promise<boolean> {
  const client = await connect(
    p,
    p.role === 'device' ? undefined : `${creds.get(p)?.username ?? ''}:pub`,
  );
  const closed = new Promise<'closed'>((resolve) =>
    client.once('close', () => {
      resolve('closed');
    }),
  );
  const outcome = await Promise.race([
    client.publishAsync(topic, body, { qos: 1, retain }).then(() => 'acked' as const),
    closed,
  ]);
  await client.endAsync(true);
  const through = seen.includes(topic);
  seen.length = 0;
  // An allowed publish is acknowledged and delivered; a denied one closes the connection
  // (MQTT 3.1.1 has no negative PUBACK) and never reaches anyone.
  expect(outcome).toBe(through ? 'acked' : 'closed');
  return through;
}

describe('CONNECT', () => {
  it('accepts a device with its own client id', async () => {
    const c = await connect(me);
    expect(c.connected).toBe(true);
    await c.endAsync();
  });

  it.each([
    ['anonymous', {}, 5],
    ['an unknown user', { username: 'nowhere/nobody', password: 'x' }, 4],
    ['a wrong password', { username: 'mairie/locker-1', password: 'wrong' }, 4],
    ['a username that is not an identity', { username: '#', password: 'x' }, 4],
  ])('refuses %s', async (_what, auth, code) => {
    await expect(
      connectAsync(t.url, { clientId: 'mairie/locker-1', reconnectPeriod: 0, ...auth }),
    ).rejects.toMatchObject({ code });
  });

  it('refuses a device whose client id is not its own identity', async () => {
    await expect(connect(me, 'gare/meters-1')).rejects.toMatchObject({ code: 2 });
    await expect(connect(me, 'anything')).rejects.toMatchObject({ code: 2 });
  });

  it('refuses a device presenting the password of another device', async () => {
    const c = creds.get(other);
    await expect(
      connectAsync(t.url, {
        username: 'mairie/locker-1',
        password: c?.password ?? '',
        clientId: 'mairie/locker-1',
        reconnectPeriod: 0,
      }),
    ).rejects.toMatchObject({ code: 4 });
  });

  it('lets service accounts run several instances with suffixed client ids', async () => {
    const a = await connect(cloud, 'cloud:api-1');
    const b = await connect(cloud, 'cloud:api-2');
    expect(a.connected && b.connected).toBe(true);
    await Promise.all([a.endAsync(), b.endAsync()]);
    await expect(connect(cloud, 'cloudy')).rejects.toMatchObject({ code: 2 });
  });

  it('refuses a will on a topic the device may not publish', async () => {
    const c = creds.get(me);
    await expect(
      connectAsync(t.url, {
        username: c?.username ?? '',
        password: c?.password ?? '',
        clientId: 'mairie/locker-1',
        reconnectPeriod: 0,
        will: {
          topic: TOPICS.status.build(theirs),
          payload: Buffer.from(body),
          qos: 1,
          retain: true,
        },
      }),
    ).rejects.toMatchObject({ code: 5 });
  });
});

describe('PUBLISH', () => {
  it.each<[string, Principal, string, boolean, boolean]>([
    ['device: own status (retained)', me, TOPICS.status.build(own), true, true],
    [
      'device: own telemetry',
      me,
      TOPICS.telemetry.build({ ...own, stream: 'energy' }),
      false,
      true,
    ],
    ['device: own event', me, TOPICS.event.build({ ...own, type: 'door-opened' }), false, true],
    ['device: own command result', me, TOPICS.commandResult.build(own), false, true],
    ['device: own reported state (retained)', me, TOPICS.reportedState.build(own), true, true],
    ['device: own status, not retained', me, TOPICS.status.build(own), false, false],
    [
      'device: own telemetry, retained',
      me,
      TOPICS.telemetry.build({ ...own, stream: 'e' }),
      true,
      false,
    ],
    [
      'device: a command to itself',
      me,
      TOPICS.command.build({ ...own, name: 'unlock' }),
      false,
      false,
    ],
    ['device: its own desired config', me, TOPICS.desiredConfig.build(own), true, false],
    ['device: another device status', me, TOPICS.status.build(theirs), true, false],
    [
      'device: another device telemetry',
      me,
      TOPICS.telemetry.build({ ...theirs, stream: 'e' }),
      false,
      false,
    ],
    [
      'device: a command to another device',
      me,
      TOPICS.command.build({ ...theirs, name: 'unlock' }),
      false,
      false,
    ],
    ['device: a topic outside the table', me, 'hameau/v1/mairie/locker-1/other', false, false],
    ['device: $SYS', me, '$SYS/broker/clients', false, false],
    ['cloud: a command', cloud, TOPICS.command.build({ ...theirs, name: 'unlock' }), false, true],
    ['cloud: desired config (retained)', cloud, TOPICS.desiredConfig.build(theirs), true, true],
    [
      'cloud: telemetry in a device name',
      cloud,
      TOPICS.telemetry.build({ ...theirs, stream: 'e' }),
      false,
      false,
    ],
    ['cloud: a device status', cloud, TOPICS.status.build(theirs), true, false],
    ['cloud: $SYS', cloud, '$SYS/x', false, false],
    [
      'observer: a command',
      observer,
      TOPICS.command.build({ ...theirs, name: 'unlock' }),
      false,
      false,
    ],
    [
      'observer: telemetry',
      observer,
      TOPICS.telemetry.build({ ...theirs, stream: 'e' }),
      false,
      false,
    ],
    ['observer: $SYS', observer, '$SYS/x', false, false],
  ])('%s', async (_name, principal, topic, retain, allowed) => {
    expect(await publishGetsThrough(principal, topic, retain)).toBe(allowed);
  });

  it('counts every denial', () => {
    expect(t.broker.metrics.aclDenied.get('publish')).toBeGreaterThanOrEqual(15);
  });
});

describe('SUBSCRIBE', () => {
  it.each<[string, Principal, string, boolean]>([
    ['device: own commands', me, TOPICS.command.filter(own), true],
    ['device: one own command', me, TOPICS.command.build({ ...own, name: 'unlock' }), true],
    ['device: own desired config', me, TOPICS.desiredConfig.build(own), true],
    ['device: #', me, '#', false],
    ['device: +/#', me, '+/#', false],
    ['device: everything under the root', me, 'hameau/v1/#', false],
    [
      'device: everything of its own (includes its outgoing topics)',
      me,
      'hameau/v1/mairie/locker-1/#',
      false,
    ],
    ['device: every device commands', me, TOPICS.command.filter(), false],
    ['device: another device commands', me, TOPICS.command.filter(theirs), false],
    ['device: another device config', me, TOPICS.desiredConfig.build(theirs), false],
    ['device: its own status', me, TOPICS.status.build(own), false],
    ['device: other devices telemetry', me, TOPICS.telemetry.filter(), false],
    ['device: $SYS', me, '$SYS/#', false],
    ['cloud: all telemetry', cloud, TOPICS.telemetry.filter(), true],
    ['cloud: all status', cloud, TOPICS.status.filter(), true],
    ['cloud: all command results', cloud, TOPICS.commandResult.filter(), true],
    ['cloud: one site events', cloud, TOPICS.event.filter({ site: 'gare' }), true],
    ['cloud: commands (devices only)', cloud, TOPICS.command.filter(), false],
    ['observer: all telemetry', observer, TOPICS.telemetry.filter(), true],
    ['observer: all status', observer, TOPICS.status.filter(), true],
    ['observer: desired config', observer, TOPICS.desiredConfig.filter(), false],
    ['observer: commands', observer, TOPICS.command.filter(), false],
  ])('%s', async (_name, principal, filter, allowed) => {
    const client = await connect(
      principal,
      principal.role === 'device' ? undefined : `${creds.get(principal)?.username ?? ''}:sub`,
    );
    // mqtt.js rejects when the SUBACK refuses the filter (return code 0x80) and resolves with
    // the granted QoS otherwise; the connection stays open either way.
    const granted = await client.subscribeAsync(filter, { qos: 1 }).then(
      (g) => g[0]?.qos,
      (err: unknown) => (err as { packet?: { granted?: number[] } }).packet?.granted?.[0],
    );
    expect(client.connected).toBe(true);
    await client.endAsync(true);
    expect(granted).toBe(allowed ? 1 : 128);
  });
});

describe('delivery', () => {
  it('routes a device command only to that device and its result only to the cloud', async () => {
    const a = await connect(me);
    const b = await connect(other);
    const api = await connect(cloud, 'cloud:api-1');
    await a.subscribeAsync(TOPICS.command.filter(own), { qos: 1 });
    await b.subscribeAsync(TOPICS.command.filter(theirs), { qos: 1 });
    await api.subscribeAsync(TOPICS.commandResult.filter(), { qos: 1 });
    const got: string[] = [];
    a.on('message', (topic) => got.push(`a ${topic}`));
    b.on('message', (topic) => got.push(`b ${topic}`));
    api.on('message', (topic) => got.push(`api ${topic}`));
    const unlock = TOPICS.command.build({ ...own, name: 'unlock' });
    await api.publishAsync(unlock, '{}', { qos: 1 });
    await a.publishAsync(TOPICS.commandResult.build(own), '{}', { qos: 1 });
    await expect.poll(() => got.length).toBe(2);
    expect(got.sort()).toEqual([`a ${unlock}`, `api ${TOPICS.commandResult.build(own)}`]);
    await Promise.all([a.endAsync(), b.endAsync(), api.endAsync()]);
  });
});
