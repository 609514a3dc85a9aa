import mqtt, { type MqttClient } from 'mqtt';
import { TOPICS, type CommandPayload } from '@hameau/protocol';
import type { BenchCloud } from './bench-cloud.js';
import { BASELINE_ACCOUNT, PROBE_DEVICE, SITE } from './cloud-contract.js';
import type { PathOptions } from './driver-baseline.js';
import { sampleLatency, type LatencyResult } from './latency-sampler.js';

/** Longest a message may take to arrive before the sample counts as failed. */
const DELIVERY_TIMEOUT_MS = 5_000;

/** Connects as the API and the agent do (mqtt.js defaults, MQTT 3.1.1), never reconnecting. */
function connect(url: string, username: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: username,
    username,
    password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
}

/**
 * The remote baseline, the transport floor: a bare MQTT publish through the same broker, from a
 * cloud-role account to a second registered device subscribed to its own command topic, QoS 1
 * both ways, with a payload the size of the `unlock` command the API sends. t0 just before the
 * publish, t1 when the subscriber gets the message. The remote path adds the API (HTTP, SQLite,
 * its publish) and the agent (command dispatch, durable writes, the driver) to this.
 */
export async function measureMqtt(
  cloud: Pick<BenchCloud, 'mqttUrl' | 'baselineLogin' | 'probeLogin'>,
  options: PathOptions,
  pauseMs: number,
): Promise<LatencyResult> {
  const topic = TOPICS.command.build({ site: SITE, device: PROBE_DEVICE, name: 'unlock' });
  const pub = await connect(cloud.mqttUrl, BASELINE_ACCOUNT, cloud.baselineLogin.password);
  let sub: MqttClient | null = null;
  try {
    sub = await connect(cloud.mqttUrl, cloud.probeLogin.username, cloud.probeLogin.password);
    const granted = await sub.subscribeAsync(topic, { qos: 1 });
    if (granted[0]?.qos !== 1) throw new Error(`subscription to ${topic} refused`);
    const waiting = new Map<string, (at: number) => void>();
    sub.on('message', (_topic, payload) => {
      const at = performance.now();
      const { id } = JSON.parse(payload.toString('utf8')) as { id: string };
      waiting.get(id)?.(at);
    });
    let serial = 0;
    return await sampleLatency({
      label: 'bare MQTT',
      samples: options.samples,
      warmup: options.warmup,
      jitterMs: pauseMs,
      log: options.log,
      cloudPid: options.cloudPid,
      prepare: () => Promise.resolve(),
      measure: async () => {
        serial += 1;
        const id = `bench-mqtt-${String(serial).padStart(8, '0')}`;
        const now = Date.now();
        const command: CommandPayload = {
          id,
          issuedAt: new Date(now).toISOString(),
          expiresAt: new Date(now + 60_000).toISOString(),
          issuedBy: 'admin',
          args: { box: 1, reason: 'bench: remote unlock latency' },
        };
        const body = JSON.stringify(command);
        let timer: NodeJS.Timeout | undefined;
        const arrived = new Promise<number>((resolve, reject) => {
          waiting.set(id, resolve);
          timer = setTimeout(() => {
            reject(new Error(`message ${id} not delivered within ${DELIVERY_TIMEOUT_MS} ms`));
          }, DELIVERY_TIMEOUT_MS);
        });
        // Handled here too: the publish may still be awaiting its PUBACK when this times out.
        arrived.catch(() => undefined);
        try {
          const t0 = performance.now();
          await pub.publishAsync(topic, body, { qos: 1 });
          const t1 = await arrived;
          return { totalMs: t1 - t0 };
        } finally {
          clearTimeout(timer);
          waiting.delete(id);
        }
      },
    });
  } finally {
    await pub.endAsync();
    await sub?.endAsync();
  }
}
