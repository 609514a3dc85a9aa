import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Client, Subscription } from 'aedes';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { cloud, device, startTestBroker, type TestBroker } from './helpers.js';
import { withTimeout } from './raw-mqtt.js';

// The Debian `mosquitto-clients` tools (libmosquitto, a C implementation) as clients of our
// broker: interop with a second MQTT stack, and the exact messages an operator sees when the
// broker says no.

const SITE = 'mairie';
const locker1 = device(SITE, 'locker-1');
const locker2 = device(SITE, 'locker-2');
const ownTopic = TOPICS.telemetry.build({ site: SITE, device: 'locker-1', stream: 'energy' });
const otherTopic = TOPICS.telemetry.build({ site: SITE, device: 'locker-2', stream: 'energy' });
const SUB_ID = 'cloud:sub';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let t: TestBroker;
let port: string;
const logins = new Map<string, { username: string; password: string }>();
const children = new Set<ChildProcess>();

/** Runs a CLI tool; the promise settles when it exits, or it is killed after `timeoutMs`. */
function run(command: string, args: readonly string[], timeoutMs = 5_000): Promise<Exit> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `-h/-p` plus the credentials (and matching client id) of `who`. */
function as(who: string, clientId = who): string[] {
  const login = logins.get(who);
  if (!login) throw new Error(`no account for ${who}`);
  return [
    '-h',
    '127.0.0.1',
    '-p',
    port,
    '-u',
    login.username,
    '-P',
    login.password,
    '-i',
    clientId,
  ];
}

/** Resolves once the client `clientId` holds at least one granted subscription. */
function subscribed(clientId: string): Promise<void> {
  return withTimeout(
    new Promise((resolve) => {
      const onSubscribe = (subs: Subscription[], client: Client) => {
        if (client.id !== clientId || subs.every((s) => (s.qos as number) === 128)) return;
        t.broker.aedes.off('subscribe', onSubscribe);
        resolve();
      };
      t.broker.aedes.on('subscribe', onSubscribe);
    }),
    5_000,
    `${clientId} to subscribe`,
  );
}

const reading = (n: number) =>
  TOPICS.telemetry
    .encode({
      seq: n,
      at: '2026-11-25T21:00:00.000Z',
      historical: false,
      source: 'meter-1',
      values: { energy_import_kwh: n },
    })
    .toString();

beforeAll(async () => {
  const probe = spawnSync('mosquitto_pub', ['--help']);
  if (probe.error) {
    throw new Error(
      `mosquitto_pub could not be run (${probe.error.message}): install the Debian package ` +
        '`mosquitto-clients` (CI does) to run these interop tests',
    );
  }
  t = await startTestBroker();
  port = String(t.broker.mqtt.port);
  for (const principal of [cloud, locker1, locker2]) {
    const login = await t.account(principal);
    logins.set(login.username, login);
  }
  return () => t.close();
});

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

test('mosquitto_sub receives at QoS 1 what mosquitto_pub publishes on its own topic', async () => {
  const ready = subscribed(SUB_ID);
  const sub = run('mosquitto_sub', [
    ...as('cloud', SUB_ID),
    ...['-t', TOPICS.telemetry.filter(), '-C', '1', '-q', '1', '-v'],
  ]);
  await ready;
  const message = reading(1);
  const pub = await run('mosquitto_pub', [
    ...as('mairie/locker-1'),
    '-q',
    '1',
    '-t',
    ownTopic,
    '-m',
    message,
  ]);
  expect(pub).toMatchObject({ code: 0, stderr: '' });
  expect(await sub).toMatchObject({ code: 0, stdout: `${ownTopic} ${message}\n` });
});

test('an anonymous mosquitto_pub is refused as not authorised', async () => {
  const before = t.broker.metrics.connectionsRefused.get('anonymous');
  const pub = await run('mosquitto_pub', [
    '-h',
    '127.0.0.1',
    '-p',
    port,
    '-t',
    ownTopic,
    '-m',
    '{}',
  ]);
  expect(pub.signal).toBeNull();
  expect(pub.code).not.toBe(0);
  expect(pub.stderr).toMatch(/Connection Refused: not authori[sz]ed/);
  expect(t.broker.metrics.connectionsRefused.get('anonymous')).toBe(before + 1);
});

test('a wrong password is refused as bad user name or password', async () => {
  const args = as('mairie/locker-1').map((a) =>
    a === logins.get('mairie/locker-1')?.password ? 'nope' : a,
  );
  const pub = await run('mosquitto_pub', [...args, '-t', ownTopic, '-m', '{}']);
  expect(pub.code).not.toBe(0);
  expect(pub.stderr).toMatch(/Connection Refused: bad user name or password/);
});

test("a device using another device's client id is refused as identifier rejected", async () => {
  const pub = await run('mosquitto_pub', [
    ...as('mairie/locker-1', 'mairie/locker-2'),
    '-t',
    ownTopic,
    '-m',
    '{}',
  ]);
  expect(pub.code).not.toBe(0);
  expect(pub.stderr).toMatch(/Connection Refused: identifier rejected/);
});

test("a device's publish to another device's topic never reaches the subscriber", async () => {
  const denied = t.broker.metrics.aclDenied.get('publish');
  const ready = subscribed(SUB_ID);
  // -C 1: the subscriber prints the first message it gets and exits, so the forged message,
  // had it been delivered, would be the one printed instead of the control.
  const sub = run('mosquitto_sub', [
    ...as('cloud', SUB_ID),
    '-t',
    TOPICS.telemetry.filter(),
    '-C',
    '1',
    '-q',
    '1',
    '-v',
  ]);
  await ready;
  const forged = await run('mosquitto_pub', [
    ...as('mairie/locker-1'),
    '-q',
    '1',
    '-t',
    otherTopic,
    '-m',
    reading(2),
  ]);
  // MQTT 3.1.1 has no negative PUBACK: the broker closes the connection of a denied publisher.
  expect(forged.code).not.toBe(0);
  expect(forged.stderr).toMatch(/connection was lost/);
  expect(t.broker.metrics.aclDenied.get('publish')).toBe(denied + 1);

  const control = reading(3);
  const pub = await run('mosquitto_pub', [
    ...as('mairie/locker-1'),
    '-q',
    '1',
    '-t',
    ownTopic,
    '-m',
    control,
  ]);
  expect(pub.code).toBe(0);
  expect(await sub).toMatchObject({ code: 0, stdout: `${ownTopic} ${control}\n` });
});

test("a device's mosquitto_sub to '#' has its subscription refused", async () => {
  const denied = t.broker.metrics.aclDenied.get('subscribe');
  const sub = await run('mosquitto_sub', [...as('mairie/locker-1'), '-t', '#', '-v']);
  // mosquitto_sub reads SUBACK 0x80 for every filter, says so, and disconnects by itself.
  expect(sub.signal).toBeNull();
  expect(sub.stdout).toBe('');
  expect(sub.stderr).toBe('All subscription requests were denied.\n');
  expect(t.broker.metrics.aclDenied.get('subscribe')).toBe(denied + 1);
});
