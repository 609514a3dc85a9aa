import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { cloud, device, startTestBroker, type TestBroker } from './helpers.js';
import { RawConnection, withTimeout } from './raw-mqtt.js';

// The same auth and ACL over every transport the broker listens on: MQTT over WebSocket, and
// with `tls` set, MQTT over TLS and WebSocket over TLS.

const SITE = 'mairie';
const locker1 = device(SITE, 'locker-1');
const ownTopic = TOPICS.telemetry.build({ site: SITE, device: 'locker-1', stream: 'energy' });
const otherTopic = TOPICS.telemetry.build({ site: SITE, device: 'locker-2', stream: 'energy' });

const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

/** Connects with `principal`'s credentials; rejects (never retries) when refused or closed. */
async function connectVia(
  t: TestBroker,
  url: string,
  principal: Parameters<TestBroker['account']>[0],
  opts: IClientOptions = {},
): Promise<MqttClient> {
  const { username, password } = await t.account(principal);
  const client = await connectAsync(
    url,
    { username, password, clientId: username, reconnectPeriod: 0, connectTimeout: 3_000, ...opts },
    false,
  );
  clients.push(client);
  return client;
}

/** A device publishes its telemetry and a cloud client receives it, both over `url`. */
async function expectRoundTrip(
  t: TestBroker,
  url: string,
  opts: IClientOptions = {},
): Promise<void> {
  const sub = await connectVia(t, url, cloud, opts);
  await sub.subscribeAsync(TOPICS.telemetry.filter(), { qos: 1 });
  const pub = await connectVia(t, url, locker1, opts);
  const payload = TOPICS.telemetry.encode({
    seq: 1,
    at: new Date().toISOString(),
    historical: false,
    source: 'meter-1',
    values: { power_w: 42 },
  });
  const got = withTimeout(
    new Promise<[string, Buffer]>((resolve) =>
      sub.once('message', (topic, body) => {
        resolve([topic, body]);
      }),
    ),
    3_000,
    'the telemetry message',
  );
  await pub.publishAsync(ownTopic, payload, { qos: 1 });
  const [topic, body] = await got;
  expect(topic).toBe(ownTopic);
  expect(body.equals(payload)).toBe(true);
}

describe('MQTT over WebSocket', () => {
  let t: TestBroker;
  let wsUrl: string;

  beforeAll(async () => {
    t = await startTestBroker();
    wsUrl = `ws://127.0.0.1:${t.broker.ws?.port ?? 0}`;
    return () => t.close();
  });

  test('a device and a cloud client exchange telemetry', async () => {
    await expectRoundTrip(t, wsUrl);
  });

  test('a wrong password is refused with CONNACK 4', async () => {
    const { username } = await t.account(locker1);
    const refused = connectAsync(
      wsUrl,
      { username, password: 'wrong', clientId: username, reconnectPeriod: 0 },
      false,
    );
    await expect(refused).rejects.toMatchObject({ code: 4 });
  });

  test("the ACL applies: '#' is refused, and a publish to another device closes the client", async () => {
    const dev = await connectVia(t, wsUrl, locker1);
    // SUBACK 0x80 for the filter; mqtt.js turns a refused filter into a rejection.
    await expect(dev.subscribeAsync('#', { qos: 1 })).rejects.toMatchObject({
      packet: { cmd: 'suback', granted: [128] },
    });
    expect(dev.connected).toBe(true);
    const closed = withTimeout(
      new Promise<void>((resolve) =>
        dev.once('close', () => {
          resolve();
        }),
      ),
      3_000,
      'the broker to close the offending client',
    );
    dev.publish(otherTopic, '{}', { qos: 1 });
    await closed;
    expect(t.broker.metrics.aclDenied.get('publish')).toBe(1);
  });
});

/** A throwaway self-signed certificate in a temp dir, made once per file. */
const certificate = { certFile: '', keyFile: '', ca: Buffer.alloc(0) };

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hameau-broker-tls-'));
  certificate.certFile = join(dir, 'cert.pem');
  certificate.keyFile = join(dir, 'key.pem');
  // The SAN names 127.0.0.1 so clients verify the certificate against the address they dial
  // (Node checks the SAN, not only the CN) instead of turning verification off.
  await promisify(execFile)('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ...['-keyout', certificate.keyFile, '-out', certificate.certFile],
  ]);
  certificate.ca = await readFile(certificate.certFile);
  return () => rm(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  let t: TestBroker;
  let ca: Buffer;
  let mqttsUrl: string;
  let wssUrl: string;

  beforeAll(async () => {
    const { certFile, keyFile } = certificate;
    ca = certificate.ca;
    t = await startTestBroker({ tls: { certFile, keyFile } });
    mqttsUrl = `mqtts://127.0.0.1:${t.broker.mqtt.port}`;
    wssUrl = `wss://127.0.0.1:${t.broker.ws?.port ?? 0}`;
    return () => t.close();
  });

  test('mqtts:// with the certificate as CA: a device and a cloud client exchange telemetry', async () => {
    await expectRoundTrip(t, mqttsUrl, { ca });
  });

  test('wss:// with the certificate as CA: a device and a cloud client exchange telemetry', async () => {
    await expectRoundTrip(t, wssUrl, { ca });
  });

  test('auth still applies over TLS: a wrong password is refused with CONNACK 4', async () => {
    const { username } = await t.account(locker1);
    const refused = connectAsync(
      mqttsUrl,
      { username, password: 'wrong', clientId: username, reconnectPeriod: 0, ca },
      false,
    );
    await expect(refused).rejects.toMatchObject({ code: 4 });
  });

  test('a client that does not trust the certificate refuses the broker', async () => {
    await expect(connectVia(t, mqttsUrl, locker1)).rejects.toThrow(/self[- ]signed/i);
  });

  test('a plain-TCP MQTT client cannot talk to the TLS port', async () => {
    const before = t.broker.metrics.connectionsAccepted.total();
    await expect(
      connectVia(t, `mqtt://127.0.0.1:${t.broker.mqtt.port}`, locker1),
    ).rejects.toThrow();
    expect(t.broker.metrics.connectionsAccepted.total()).toBe(before);
  });
});

describe('TLS listener limits (1 connection/s, burst 1, connect timeout 300 ms)', () => {
  let t: TestBroker;

  // A fresh broker per test: each starts with a full token bucket.
  beforeEach(async () => {
    const { certFile, keyFile } = certificate;
    t = await startTestBroker({
      tls: { certFile, keyFile },
      limits: { connectionsPerSecond: 1, connectionBurst: 1, connectTimeoutMs: 300 },
    });
    return () => t.close();
  });

  // On the plain listener both limits act as soon as TCP connects (see limits.test.ts). Over
  // TLS they must too: otherwise a socket that never finishes the handshake is held open (Node
  // only closes it if the server handles `tlsClientError`), and every connection the rate
  // limit refuses has first cost the broker a full RSA handshake.

  test.each([
    ['MQTT', () => t.broker.mqtt.port],
    ['WebSocket', () => t.broker.ws?.port ?? 0],
  ])(
    'a socket to the TLS %s port that never starts the handshake is closed within 3 s',
    async (_listener, port) => {
      const conn = await RawConnection.open(port());
      try {
        await conn.waitClosed(3_000);
      } finally {
        conn.destroy();
      }
    },
  );

  test('the second immediate connection is refused before any handshake', async () => {
    const first = await RawConnection.open(t.broker.mqtt.port);
    const second = await RawConnection.open(t.broker.mqtt.port);
    try {
      await second.waitClosed(1_500);
      expect(t.broker.metrics.connectionsRefused.get('rate-limited')).toBe(1);
    } finally {
      first.destroy();
      second.destroy();
    }
  });
});
