import type { MqttClient } from 'mqtt';
import { CpuMeter } from '../process-cpu.js';
import { closeAll, connectClient, subscribeQos1, watchForDisconnects } from './mqtt-client.js';
import { benchPayload } from './payload.js';
import { THROUGHPUT_DEVICE, type Target } from './targets.js';

export interface ThroughputOptions {
  /** Messages timed, after the warm-up. */
  readonly messages: number;
  readonly warmup: number;
  /** Publishes the publisher keeps awaiting their PUBACK. */
  readonly window: number;
  /**
   * Published but not yet delivered messages at which the publisher waits. A broker acks a
   * QoS 1 publish on receipt, not on delivery, so without this a fast publisher fills the
   * subscriber's queue; mosquitto then drops QoS 1 messages past `max_queued_messages` (1,000).
   */
  readonly maxBacklog: number;
  /** No delivery or PUBACK for this long fails the run. */
  readonly stallMs: number;
}

export interface ThroughputResult {
  readonly messages: number;
  readonly seconds: number;
  /** Messages delivered to the subscriber per second. */
  readonly perSecond: number;
  /** Cores the broker process used on average while timed; null where not measurable. */
  readonly brokerCores: number | null;
  /** Cores the load generator (publisher and subscriber) used while timed. */
  readonly loadGenCores: number;
}

/**
 * One device publishes QoS 1 telemetry to its own topic as fast as its window allows, and the
 * cloud, subscribed at QoS 1 to every device's telemetry, receives it. The figure is the rate of
 * deliveries to the subscriber over `messages` messages that follow `warmup` untimed ones.
 */
export async function runThroughput(
  target: Target,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  const sub = target.subscriber('tp');
  const pub = target.publisher(THROUGHPUT_DEVICE);
  const clients: MqttClient[] = [];
  try {
    const subscriber = await connectClient(target.endpoint, sub.login);
    clients.push(subscriber);
    await subscribeQos1(subscriber, sub.filter);
    const publisher = await connectClient(target.endpoint, pub.login);
    clients.push(publisher);
    return await measure(target, publisher, pub.topic, subscriber, options);
  } finally {
    await closeAll(clients);
  }
}

function measure(
  target: Target,
  publisher: MqttClient,
  topic: string,
  subscriber: MqttClient,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  const { messages, warmup, window, maxBacklog, stallMs } = options;
  const total = warmup + messages;
  // One payload for all: building one per message would only add load-generator work.
  const payload = benchPayload(0, 0);
  const broker = new CpuMeter(target.pid);
  let sent = 0;
  let inflight = 0;
  let delivered = 0;
  let t0 = 0;
  let loadGen0 = process.cpuUsage();
  let lastProgress = performance.now();
  let done = false;

  return new Promise<ThroughputResult>((resolve, reject) => {
    const stopWatching = watchForDisconnects([publisher, subscriber], (c) => {
      finish(new Error(`${c.options.clientId ?? 'a client'} was disconnected during the run`));
    });
    const watchdog = setInterval(() => {
      if (performance.now() - lastProgress > stallMs) {
        finish(
          new Error(
            `stalled for ${stallMs} ms: sent ${sent}, awaiting PUBACK ${inflight}, delivered ${delivered}`,
          ),
        );
      }
    }, 1000);

    function finish(err: Error | null, result?: ThroughputResult): void {
      if (done) return;
      done = true;
      clearInterval(watchdog);
      stopWatching();
      subscriber.off('message', onMessage);
      if (err) reject(err);
      else if (result) resolve(result);
    }

    function startClock(): void {
      t0 = performance.now();
      loadGen0 = process.cpuUsage();
      broker.start();
    }

    function pump(): void {
      while (!done && inflight < window && sent < total && sent - delivered < maxBacklog) {
        sent++;
        inflight++;
        publisher.publish(topic, payload, { qos: 1 }, onAck);
      }
    }

    function onAck(err?: Error): void {
      if (err) {
        finish(err);
        return;
      }
      inflight--;
      lastProgress = performance.now();
      pump();
    }

    function onMessage(): void {
      delivered++;
      lastProgress = performance.now();
      if (delivered === warmup) startClock();
      if (delivered === total) {
        const seconds = (lastProgress - t0) / 1000;
        const cpu = process.cpuUsage(loadGen0);
        finish(null, {
          messages,
          seconds,
          perSecond: messages / seconds,
          brokerCores: broker.stop(),
          loadGenCores: (cpu.user + cpu.system) / 1e6 / seconds,
        });
        return;
      }
      pump();
    }

    subscriber.on('message', onMessage);
    if (warmup === 0) startClock();
    pump();
  });
}
