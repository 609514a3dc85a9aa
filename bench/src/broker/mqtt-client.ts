import { createConnection } from 'node:net';
import { MqttClient } from 'mqtt';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Who a bench client connects as; bare aedes and mosquitto take no credentials. */
export interface Login {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Connects one MQTT 3.1.1 client over a TCP socket with Nagle off (mqtt.js leaves it on, which
 * can hold a small packet back until the previous one is acknowledged). It never reconnects:
 * a dropped connection in a bench is a failure to report, not to hide.
 */
export function connectClient(endpoint: Endpoint, login: Login): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = new MqttClient(
      () => createConnection({ host: endpoint.host, port: endpoint.port, noDelay: true }),
      {
        clientId: login.clientId,
        ...(login.username !== undefined && { username: login.username }),
        ...(login.password !== undefined && { password: login.password }),
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: 0,
        // A batch of Hameau CONNECTs waits for its scrypt checks, four at a time.
        connectTimeout: 120_000,
        keepalive: 300,
      },
    );
    const fail = (err: Error) => {
      client.off('connect', onConnect);
      client.end(true);
      reject(new Error(`${login.clientId} could not connect: ${err.message}`));
    };
    const onClose = () => {
      fail(new Error('connection closed before CONNACK'));
    };
    const onConnect = () => {
      client.off('error', fail).off('close', onClose);
      // Errors after this point surface as 'close', which the loads watch.
      client.on('error', () => undefined);
      resolve(client);
    };
    client.once('connect', onConnect).once('error', fail).once('close', onClose);
  });
}

/** Connects every login, `batch` at a time so the broker does not face one connect storm. */
export async function connectAll(
  endpoint: Endpoint,
  logins: readonly Login[],
  batch: number,
  onProgress?: (connected: number) => void,
): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  try {
    for (let i = 0; i < logins.length; i += batch) {
      const connected = await Promise.allSettled(
        logins.slice(i, i + batch).map((l) => connectClient(endpoint, l)),
      );
      for (const r of connected) if (r.status === 'fulfilled') clients.push(r.value);
      const failed = connected.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      onProgress?.(clients.length);
    }
  } catch (err) {
    await closeAll(clients);
    throw err;
  }
  return clients;
}

/** Subscribes at QoS 1 and fails if the broker refuses the filter (SUBACK 0x80). */
export async function subscribeQos1(client: MqttClient, filter: string): Promise<void> {
  const granted = await client.subscribeAsync(filter, { qos: 1 });
  const qos = granted[0]?.qos;
  if (qos !== 1) {
    throw new Error(`subscription to ${filter} granted QoS ${qos ?? 'none'} instead of 1`);
  }
}

/**
 * Calls `onClose` when any of the clients' connections drops. Returns the function that stops
 * watching, to call before closing them on purpose.
 */
export function watchForDisconnects(
  clients: readonly MqttClient[],
  onClose: (client: MqttClient) => void,
): () => void {
  const handlers = clients.map((c) => {
    const h = () => {
      onClose(c);
    };
    c.on('close', h);
    return h;
  });
  return () => {
    clients.forEach((c, i) => {
      const h = handlers[i];
      if (h) c.off('close', h);
    });
  };
}

/** Closes clients at once, without waiting for in-flight messages. */
export async function closeAll(clients: readonly MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.endAsync(true)));
}
