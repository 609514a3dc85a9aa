import type { MqttClient } from 'mqtt';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { TOPICS, usernameOf } from '@hameau/protocol';
import { cloud, device, startTestBroker, type TestBroker } from './helpers.js';
import {
  PacketType,
  RawConnection,
  connectPacket,
  publishOverhead,
  publishPacket,
  rawConnect,
  withTimeout,
  type ConnectFields,
} from './raw-mqtt.js';

// Every case opens its own raw socket and misbehaves on it; after each, a well-behaved device
// and cloud subscriber connected before it must still exchange a message and `/healthz` must
// still answer, so one bad client never costs anyone else their connection.

const MAX_PACKET = 1024;
const SITE = 'mairie';
const rogue = device(SITE, 'locker-9');
const rogueId = usernameOf(rogue);
const rogueTelemetry = TOPICS.telemetry.build({ site: SITE, device: 'locker-9', stream: 'energy' });
const goodTelemetry = TOPICS.telemetry.build({ site: SITE, device: 'locker-1', stream: 'energy' });

let t: TestBroker;
let port: number;
let rogueLogin: ConnectFields;
let publisher: MqttClient;
let subscriber: MqttClient;
const received: { topic: string; payload: Buffer }[] = [];
let pairDisconnects = 0;
let seq = 0;
const raw: RawConnection[] = [];

const refused = (reason: string) => t.broker.metrics.connectionsRefused.get(reason);
const clientErrors = () => t.broker.metrics.clientErrors.total();

/** aedes keeps its connected clients by id at run time; its type definitions omit the map. */
const clientById = (id: string): unknown =>
  (t.broker.aedes as unknown as { clients: Partial<Record<string, unknown>> }).clients[id];

async function open(): Promise<RawConnection> {
  const conn = await RawConnection.open(port);
  raw.push(conn);
  return conn;
}

/** Connects as the rogue device over a raw socket and checks the broker accepted it. */
async function openAuthenticated(): Promise<RawConnection> {
  const { conn, returnCode } = await rawConnect(port, rogueLogin);
  raw.push(conn);
  expect(returnCode).toBe(0);
  return conn;
}

/** The connection is closed by the broker without it having sent any packet. */
async function expectClosedSilently(conn: RawConnection): Promise<void> {
  await expect(conn.nextPacket()).rejects.toThrow(/closed before/);
  expect(conn.isClosed).toBe(true);
}

function telemetry(n: number): Buffer {
  return TOPICS.telemetry.encode({
    seq: n,
    at: new Date().toISOString(),
    historical: false,
    source: 'meter-1',
    values: { energy_import_kwh: n },
  });
}

async function expectBrokerStillServes(): Promise<void> {
  const payload = telemetry(++seq);
  const arrived = withTimeout(
    new Promise<void>((resolve) => {
      const onMessage = (_topic: string, body: Buffer) => {
        if (!body.equals(payload)) return;
        subscriber.off('message', onMessage);
        resolve();
      };
      subscriber.on('message', onMessage);
    }),
    3_000,
    'the well-behaved pair to exchange a message',
  );
  await publisher.publishAsync(goodTelemetry, payload, { qos: 1 });
  await arrived;
  expect(pairDisconnects).toBe(0);
  const health = await fetch(`http://127.0.0.1:${t.broker.http?.port ?? 0}/healthz`);
  expect(health.status).toBe(200);
}

beforeAll(async () => {
  t = await startTestBroker({ limits: { maxPacketBytes: MAX_PACKET, connectionBurst: 1000 } });
  port = t.broker.mqtt.port;
  const { password } = await t.account(rogue);
  rogueLogin = { clientId: rogueId, username: rogueId, password };
  subscriber = await t.connectAs(cloud);
  await subscriber.subscribeAsync(TOPICS.telemetry.filter(), { qos: 1 });
  subscriber.on('message', (topic, payload) => received.push({ topic, payload }));
  publisher = await t.connectAs(device(SITE, 'locker-1'));
  const countDisconnect = () => {
    pairDisconnects++;
  };
  publisher.on('close', countDisconnect);
  subscriber.on('close', countDisconnect);
  return () => t.close();
});

afterEach(async () => {
  for (const conn of raw.splice(0)) conn.destroy();
  await expectBrokerStillServes();
});

describe('a bad fixed header closes that connection', () => {
  test('four Remaining Length bytes that all continue: the size guard closes it', async () => {
    const before = refused('packet-too-large');
    const conn = await open();
    conn.send(
      Buffer.from([
        0x10, // CONNECT, flags 0
        0xff, // 127, more follows
        0xff, // + 127·128 = 16 383: already over the 1 024-byte limit, the guard stops here
        0xff, // + 127·128² (never read)
        0xff, // a fourth continuation bit: MQTT allows at most four length bytes (§2.2.3)
      ]),
    );
    await expectClosedSilently(conn);
    expect(refused('packet-too-large')).toBe(before + 1);
  });

  test('four Remaining Length bytes worth 0 that all continue: the parser closes it', async () => {
    const before = clientErrors();
    const conn = await open();
    // 0x80 is 0 with the continuation bit: the length never grows, so the guard lets it through
    // and the MQTT parser must reject the fifth length byte itself.
    conn.send(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x00]));
    await expectClosedSilently(conn);
    expect(clientErrors()).toBe(before + 1);
  });

  test('a parse error is not counted as a packet-too-large refusal', async () => {
    const before = refused('packet-too-large');
    const conn = await open();
    conn.send(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x00]));
    await expectClosedSilently(conn);
    expect(refused('packet-too-large')).toBe(before);
  });

  test('a CONNECT header announcing more than the limit is closed before its body arrives', async () => {
    const before = refused('packet-too-large');
    const conn = await open();
    // CONNECT with Remaining Length 2 000 (0xd0 = 80 + continuation, 0x0f = 15·128); no body
    // follows, so only the guard (not a parser waiting for 2 000 bytes) can close this.
    conn.send(Buffer.from([0x10, 0xd0, 0x0f]));
    await expectClosedSilently(conn);
    expect(refused('packet-too-large')).toBe(before + 1);
  });

  test('a CONNECT that promises more bytes than it sends, then hangs up', async () => {
    const connected = t.broker.aedes.connectedClients;
    const conn = await open();
    const whole = connectPacket(rogueLogin);
    // The real header (length of the whole CONNECT) and only the first 8 bytes of its body.
    conn.end(whole.subarray(0, 10));
    await expectClosedSilently(conn);
    expect(t.broker.aedes.connectedClients).toBe(connected);
  });
});

describe('garbage and protocol violations', () => {
  test.each([
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: broker\r\n\r\n')],
    [
      '0xde 0xad 0xbe 0xef (type 13 with reserved flags, then a 7 981-byte length)',
      Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    ],
    ['two zero bytes (type 0 is reserved)', Buffer.from([0x00, 0x00])],
  ])('%s before a valid CONNECT gets no CONNACK', async (_name, garbage) => {
    const conn = await open();
    conn.send(Buffer.concat([garbage, connectPacket(rogueLogin)]));
    await expectClosedSilently(conn);
  });

  test('a PUBLISH before any CONNECT is closed (MQTT-3.1.0-1)', async () => {
    const conn = await open();
    conn.send(publishPacket({ topic: rogueTelemetry, payload: telemetry(0) }));
    await expectClosedSilently(conn);
    expect(received.some((m) => m.topic === rogueTelemetry)).toBe(false);
  });

  test('a second CONNECT on the same connection closes it (MQTT-3.1.0-2)', async () => {
    const before = clientErrors();
    const conn = await openAuthenticated();
    await vi.waitFor(() => {
      expect(clientById(rogueId)).toBeDefined();
    });
    conn.send(connectPacket(rogueLogin));
    await expectClosedSilently(conn);
    await vi.waitFor(() => {
      expect(clientById(rogueId)).toBeUndefined();
    });
    expect(clientErrors()).toBe(before + 1);
  });
});

describe('CONNECT fields', () => {
  test.each([
    { what: 'clean session, valid credentials', clean: true, login: true, code: 2 },
    { what: 'persistent session, valid credentials', clean: false, login: true, code: 2 },
    { what: 'no credentials', clean: true, login: false, code: 5 },
  ])(
    'a zero-length client id ($what) is refused with CONNACK $code',
    async ({ clean, login, code }) => {
      const fields = login ? { ...rogueLogin, clientId: '' } : { clientId: '' };
      const { conn, returnCode } = await rawConnect(port, { ...fields, cleanSession: clean });
      raw.push(conn);
      expect(returnCode).toBe(code);
      await conn.waitClosed();
    },
  );

  test('invalid UTF-8 in the client id is refused with CONNACK 2 (identifier rejected)', async () => {
    const before = refused('client-id-mismatch');
    // The device's own id followed by 0xc0 0xaf, an overlong encoding of `/` that decoders must
    // not turn into a real `/` (it decodes to U+FFFD, which no identity can match).
    const clientId = Buffer.concat([Buffer.from(rogueId), Buffer.from([0xc0, 0xaf])]);
    const { conn, returnCode } = await rawConnect(port, { ...rogueLogin, clientId });
    raw.push(conn);
    expect(returnCode).toBe(2);
    await conn.waitClosed();
    expect(refused('client-id-mismatch')).toBe(before + 1);
  });

  test('invalid UTF-8 in the username is refused with CONNACK 4 (bad credentials)', async () => {
    const before = refused('bad-credentials');
    const username = Buffer.concat([Buffer.from(rogueId), Buffer.from([0xff])]);
    const { conn, returnCode } = await rawConnect(port, { ...rogueLogin, username });
    raw.push(conn);
    expect(returnCode).toBe(4);
    await conn.waitClosed();
    expect(refused('bad-credentials')).toBe(before + 1);
  });
});

describe('PUBLISH after a valid CONNECT', () => {
  test.each([
    ['+', TOPICS.telemetry.filter({ site: SITE, device: 'locker-9' })],
    ['#', `${TOPICS.telemetry.filter({ site: SITE, device: 'locker-9' }).slice(0, -1)}#`],
  ])('a topic containing %s is dropped and the client closed', async (_wildcard, topic) => {
    const conn = await openAuthenticated();
    conn.send(publishPacket({ topic, payload: telemetry(0), qos: 1, messageId: 7 }));
    await expectClosedSilently(conn); // in particular, no PUBACK
    expect(received.some((m) => m.topic === topic)).toBe(false);
  });

  test('a topic with invalid UTF-8 is denied by the ACL and the client closed', async () => {
    const before = t.broker.metrics.aclDenied.get('publish');
    const conn = await openAuthenticated();
    // The device's own telemetry topic with a stray 0xff byte at the end of the stream name.
    const topic = Buffer.concat([Buffer.from(rogueTelemetry), Buffer.from([0xff])]);
    conn.send(publishPacket({ topic, payload: telemetry(0), qos: 1, messageId: 8 }));
    await expectClosedSilently(conn);
    expect(t.broker.metrics.aclDenied.get('publish')).toBe(before + 1);
    expect(received.some((m) => m.topic.startsWith(rogueTelemetry))).toBe(false);
  });

  test('a PUBLISH of exactly the size limit is delivered', async () => {
    const conn = await openAuthenticated();
    const payload = Buffer.alloc(MAX_PACKET - publishOverhead(rogueTelemetry, 1), 0x61);
    const packet = publishPacket({ topic: rogueTelemetry, payload, qos: 1, messageId: 9 });
    expect(packet.length).toBe(1 + 2 + MAX_PACKET); // type byte, two length bytes, body
    conn.send(packet);
    const ack = await conn.nextPacket();
    expect(ack.type).toBe(PacketType.puback);
    await vi.waitFor(() => {
      expect(received.some((m) => m.topic === rogueTelemetry && m.payload.equals(payload))).toBe(
        true,
      );
    });
  });

  test('a PUBLISH one byte over the size limit closes that client and is not delivered', async () => {
    const before = refused('packet-too-large');
    const conn = await openAuthenticated();
    const payload = Buffer.alloc(MAX_PACKET + 1 - publishOverhead(rogueTelemetry, 1), 0x62);
    conn.send(publishPacket({ topic: rogueTelemetry, payload, qos: 1, messageId: 10 }));
    await expectClosedSilently(conn);
    expect(refused('packet-too-large')).toBe(before + 1);
    expect(received.some((m) => m.payload.equals(payload))).toBe(false);
  });
});
