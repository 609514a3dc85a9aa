import type { MqttClient } from 'mqtt';
import { TOPICS } from '@hameau/protocol';
import { connectAll, type Endpoint } from '../broker/mqtt-client.js';
import type { BenchDevice } from './api-child.js';

/**
 * One MQTT connection per registered meters agent, each as its device (client id and
 * username alike, checked by the broker against the API's registry), `batch` at a time: each
 * CONNECT costs the broker a scrypt.
 */
export function connectMeterAgents(
  endpoint: Endpoint,
  devices: readonly BenchDevice[],
  batch: number,
): Promise<MqttClient[]> {
  return connectAll(
    endpoint,
    devices.map((d) => ({ clientId: d.username, username: d.username, password: d.password })),
    batch,
  );
}

/** A meters agent's birth (retained, QoS 1), as it publishes after every connect. */
export async function publishBirth(client: MqttClient, site: string, device: string) {
  await client.publishAsync(
    TOPICS.status.build({ site, device }),
    TOPICS.status.encode({
      state: 'online',
      session: 1,
      at: new Date().toISOString(),
      kind: 'meters',
    }),
    { qos: 1, retain: true },
  );
}
