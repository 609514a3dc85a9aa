import type { Client } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { cloud, device, startTestBroker, type TestBroker } from './helpers.js';
import {
  PacketType,
  RawConnection,
  connectPacket,
  pingreqPacket,
  publishOverhead,
  rawConnect,
  subscribePacket,
  type ConnectFields,
} from './raw-mqtt.js';

const SITE = 'mairie';
const ownTopic = TOPICS.telemetry.build({ site: SITE, device: 'locker-1', stream: 'energy' });

async function cloudLogin(
  t: TestBroker,
  suffix: string,
): Promise<{ clientId: string; username: string; password: string }> {
  const { username, password } = await t.account(cloud);
  return { clientId: `${username}:${suffix}`, username, password };
}

/** aedes keeps its connected clients by id at run time; its type definitions omit the map. */
const clientById = (t: TestBroker, id: string): unknown =>
  (t.broker.aedes as unknown as { clients: Partial<Record<string, unknown>> }).clients[id];

/** Opens a socket, sends CONNECT; the CONNACK code, or `closed` when the broker hung up. */
async function tryConnect(port: number, login: ConnectFields): Promise<number | 'closed'> {
  const conn = await RawConnection.open(port);
  conn.send(connectPacket(login));
  try {
    return await conn.connack();
  } catch (err) {
    if (conn.isClosed) return 'closed';
    throw err;
  } finally {
    conn.destroy();
  }
}

describe('connection rate per address (1/s, burst 3)', () => {
  let t: TestBroker;
  let login: Awaited<ReturnType<typeof cloudLogin>>;

  beforeAll(async () => {
    t = await startTestBroker({ limits: { connectionsPerSecond: 1, connectionBurst: 3 } });
    login = await cloudLogin(t, 'rate');
    return () => t.close();
  });

  test('the 4th and later immediate connections are closed, then a token comes back', async () => {
    const port = t.broker.mqtt.port;
    // All six TCP connections first (that is when the limiter decides), then one CONNECT each.
    const conns = [];
    for (let i = 0; i < 6; i++) conns.push(await RawConnection.open(port));
    const outcomes = await Promise.all(
      conns.map(async (conn, i) => {
        conn.send(connectPacket({ ...login, clientId: `${login.clientId}-${i}` }));
        return conn.connack().catch(() => (conn.isClosed ? 'closed' : 'no answer'));
      }),
    );
    for (const conn of conns) conn.destroy();
    expect(outcomes).toEqual([0, 0, 0, 'closed', 'closed', 'closed']);
    expect(t.broker.metrics.connectionsRefused.get('rate-limited')).toBe(3);

    const metrics = await (
      await fetch(`http://127.0.0.1:${t.broker.http?.port ?? 0}/metrics`)
    ).text();
    expect(metrics).toContain('hameau_broker_connections_refused_total{reason="rate-limited"} 3\n');

    // At 1 token per second the address may connect again within about a second.
    await vi.waitFor(
      async () => {
        expect(await tryConnect(port, login)).toBe(0);
      },
      { timeout: 2_500, interval: 200 },
    );
  });
});

describe('connection rate across listeners (1/s, burst 1)', () => {
  test('a WebSocket connection spends the same per-address budget as TCP', async () => {
    const t = await startTestBroker({ limits: { connectionsPerSecond: 1, connectionBurst: 1 } });
    try {
      const login = await cloudLogin(t, 'ws');
      expect(await tryConnect(t.broker.mqtt.port, login)).toBe(0);
      const ws = connectAsync(
        `ws://127.0.0.1:${t.broker.ws?.port ?? 0}`,
        { ...login, reconnectPeriod: 0 },
        false,
      );
      await expect(ws).rejects.toThrow();
      expect(t.broker.metrics.connectionsRefused.get('rate-limited')).toBe(1);
    } finally {
      await t.close();
    }
  });
});

describe('drain timeout (300 ms): a subscriber that stops reading', () => {
  const PAYLOAD_BYTES = 60_000;
  // Loopback socket buffers autotune to several MiB (about 13 MiB fill them on a default Linux
  // box). The cap only turns a broker that never drops the frozen client into a clear failure
  // instead of a hang.
  // A bound, not a target: the loop stops once the frozen client is dropped, which takes more
  // messages when a loaded machine publishes slowly within the drain timeout.
  const MAX_MESSAGES = 10_000;
  let t: TestBroker;
  let frozen: RawConnection;
  let normal: MqttClient;
  const received: number[] = [];
  let sent = 0;
  let dropped = false;
  const before = { clientErrors: 0, packetTooLarge: 0 };
  const after = { clientErrors: 0, packetTooLarge: 0 };

  beforeAll(async () => {
    t = await startTestBroker({ limits: { maxPacketBytes: 64 * 1024, drainTimeoutMs: 300 } });
    const port = t.broker.mqtt.port;
    t.broker.aedes.on('clientError', (client: Client, err: Error) => {
      if (client.id === 'cloud:frozen' && err.message === 'drain timeout') dropped = true;
    });

    const subscribeFrozen = await rawConnect(port, await cloudLogin(t, 'frozen'));
    frozen = subscribeFrozen.conn;
    expect(subscribeFrozen.returnCode).toBe(0);
    frozen.send(subscribePacket(1, TOPICS.telemetry.filter(), 0));
    expect((await frozen.nextPacket()).type).toBe(PacketType.suback);
    // From here on nothing reads this socket: Node stops reading once its buffer is full, then
    // the kernel buffers fill, then the broker's writes to it stop draining.
    frozen.socket.pause();

    normal = await t.connectAs(cloud, { clientId: 'cloud:normal' });
    await normal.subscribeAsync(TOPICS.telemetry.filter(), { qos: 1 });
    normal.on('message', (_topic, body) => received.push(body.readUInt32BE(0)));
    const publisher = await t.connectAs(device(SITE, 'locker-1'));

    before.clientErrors = t.broker.metrics.clientErrors.total();
    before.packetTooLarge = t.broker.metrics.connectionsRefused.get('packet-too-large');
    const payload = Buffer.alloc(PAYLOAD_BYTES - publishOverhead(ownTopic, 1), 0x20);
    while (!dropped && sent < MAX_MESSAGES) {
      payload.writeUInt32BE(sent);
      await publisher.publishAsync(ownTopic, payload, { qos: 1 });
      sent++;
    }
    await vi.waitFor(
      () => {
        expect(received.length).toBe(sent);
      },
      { timeout: 10_000 },
    );
    after.clientErrors = t.broker.metrics.clientErrors.total();
    after.packetTooLarge = t.broker.metrics.connectionsRefused.get('packet-too-large');
    return async () => {
      frozen.destroy();
      await t.close();
    };
  });

  test('the frozen subscriber is disconnected and the normal one gets every message in order', async () => {
    expect(dropped).toBe(true);
    expect(sent).toBeLessThan(MAX_MESSAGES);
    expect(received).toEqual(Array.from({ length: sent }, (_, i) => i));
    expect(clientById(t, 'cloud:frozen')).toBeUndefined();
    expect(normal.connected).toBe(true);
    // Once it reads again, the frozen client finds its connection closed.
    frozen.socket.resume();
    await frozen.waitClosed(5_000);
  });

  test('the dropped subscriber is counted once, as a client error, not as a refused packet', () => {
    expect({
      clientErrors: after.clientErrors - before.clientErrors,
      packetTooLarge: after.packetTooLarge - before.packetTooLarge,
    }).toEqual({ clientErrors: 1, packetTooLarge: 0 });
  });
});

describe('connect timeout (300 ms)', () => {
  let t: TestBroker;

  beforeAll(async () => {
    t = await startTestBroker({ limits: { connectTimeoutMs: 300 } });
    return () => t.close();
  });

  test.each([
    ['sends nothing', Buffer.alloc(0)],
    // CONNECT announcing a 40-byte body (0x10, 40), then only 4 of those bytes: the protocol
    // name's length (0x00 0x04) and `MQ`. The rest never comes.
    ['sends half a CONNECT', Buffer.from([0x10, 40, 0x00, 0x04, 0x4d, 0x51])],
  ])('a socket that %s is closed after the timeout', async (_what, bytes) => {
    const errors = t.broker.metrics.clientErrors.total();
    // Connected before the silent socket: by the time that one is closed, this one's timer
    // would have fired too, so it still answering PINGREQ shows the timer was cleared.
    const { conn: good, returnCode } = await rawConnect(
      t.broker.mqtt.port,
      await cloudLogin(t, 'good'),
    );
    expect(returnCode).toBe(0);

    const started = Date.now();
    const silent = await RawConnection.open(t.broker.mqtt.port);
    if (bytes.length > 0) silent.send(bytes);
    await silent.waitClosed(3_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(t.broker.metrics.clientErrors.total()).toBe(errors + 1);

    good.send(pingreqPacket());
    expect((await good.nextPacket()).type).toBe(PacketType.pingresp);
    good.destroy();
  });
});
