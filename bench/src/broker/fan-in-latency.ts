import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MqttClient } from 'mqtt';
import { summarize, type Summary } from '../percentiles.js';
import { CpuMeter } from '../process-cpu.js';
import {
  closeAll,
  connectAll,
  connectClient,
  subscribeQos1,
  watchForDisconnects,
} from './mqtt-client.js';
import { benchPayload, readBenchPayload } from './payload.js';
import { fanInDevice, type Target } from './targets.js';

/** Sampling interval of the load generator's event-loop delay monitor. */
const LAG_RESOLUTION_MS = 1;

export interface FanInOptions {
  readonly clients: number;
  /** Messages per second each client publishes. */
  readonly ratePerClient: number;
  readonly warmupSeconds: number;
  /** Seconds whose publishes are timed. */
  readonly durationSeconds: number;
  /** Clients connected at a time. */
  readonly connectBatch: number;
  /** How long to wait for the last deliveries once every message has been sent. */
  readonly drainMs: number;
  readonly log: (line: string) => void;
}

export interface FanInResult {
  readonly clients: number;
  readonly ratePerClient: number;
  /** Every message published, warm-up included, and how many of them arrived (once each). */
  readonly sent: number;
  readonly delivered: number;
  readonly duplicates: number;
  /** Publishes still without PUBACK at the end. */
  readonly unacked: number;
  /** Publish → delivery latency of the timed messages, in ms. */
  readonly latencyMs: Summary;
  readonly measuredSeconds: number;
  readonly connectSeconds: number;
  readonly brokerCores: number | null;
  readonly loadGenCores: number;
  /** p99 of the load generator's own event-loop delay while timed, in ms: its share of noise. */
  readonly loadGenLagP99Ms: number;
}

/**
 * Many devices each publish QoS 1 telemetry at a low rate, their sends spread evenly over each
 * second, and the cloud receives all of it. Send time travels in the payload and publisher and
 * subscriber share the load generator's clock, so latency = delivery time - send time.
 */
export async function runFanInLatency(target: Target, options: FanInOptions): Promise<FanInResult> {
  const sub = target.subscriber('fan-in');
  const devices = Array.from({ length: options.clients }, (_, i) =>
    target.publisher(fanInDevice(i)),
  );
  const clients: MqttClient[] = [];
  try {
    const subscriber = await connectClient(target.endpoint, sub.login);
    clients.push(subscriber);
    await subscribeQos1(subscriber, sub.filter);
    const t0 = performance.now();
    const publishers = await connectAll(
      target.endpoint,
      devices.map((d) => d.login),
      options.connectBatch,
      (n) => {
        if (n % 500 === 0 || n === devices.length) options.log(`${target.name}: ${n} connected`);
      },
    );
    clients.push(...publishers);
    const connectSeconds = (performance.now() - t0) / 1000;
    const topics = devices.map((d) => d.topic);
    return { ...(await measure(target, publishers, topics, subscriber, options)), connectSeconds };
  } finally {
    await closeAll(clients);
  }
}

function measure(
  target: Target,
  publishers: readonly MqttClient[],
  topics: readonly string[],
  subscriber: MqttClient,
  options: FanInOptions,
): Promise<Omit<FanInResult, 'connectSeconds'>> {
  const n = publishers.length;
  const perSecond = n * options.ratePerClient;
  const interval = 1000 / perSecond;
  const total = Math.round(perSecond * (options.warmupSeconds + options.durationSeconds));
  const measureFrom = Math.round(perSecond * options.warmupSeconds);
  const received = new Uint8Array(total);
  const latencies = new Float64Array(total - measureFrom);
  const broker = new CpuMeter(target.pid);
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  let measured = 0;
  let delivered = 0;
  let duplicates = 0;
  let acked = 0;
  let next = 0;
  let tMeasure = 0;
  let loadGen0 = process.cpuUsage();
  let measuredSeconds = 0;
  let brokerCores: number | null = null;
  let loadGenCores = 0;
  let timer: NodeJS.Timeout | undefined;
  let done = false;

  return new Promise((resolve, reject) => {
    const stopWatching = watchForDisconnects([subscriber, ...publishers], (c) => {
      fail(new Error(`${c.options.clientId ?? 'a client'} was disconnected during the run`));
    });

    function fail(err: Error): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stopWatching();
      subscriber.off('message', onMessage);
      lag.disable();
      reject(err);
    }

    function complete(): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stopWatching();
      subscriber.off('message', onMessage);
      resolve({
        clients: n,
        ratePerClient: options.ratePerClient,
        sent: total,
        delivered,
        duplicates,
        unacked: total - acked,
        latencyMs: summarize(latencies.subarray(0, measured)),
        measuredSeconds,
        brokerCores,
        loadGenCores,
        // The histogram holds whole sampling intervals; the lag is what exceeds the interval.
        loadGenLagP99Ms: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
      });
    }

    function onAck(err?: Error): void {
      if (err) {
        fail(err);
        return;
      }
      acked++;
      if (acked === total && delivered === total) complete();
    }

    function onMessage(_topic: string, payload: Buffer): void {
      const now = performance.now();
      let msg: { seq: number; sentMs: number };
      try {
        msg = readBenchPayload(payload);
      } catch (err) {
        fail(err as Error);
        return;
      }
      const { seq, sentMs } = msg;
      if (!(seq >= 0 && seq < total)) {
        fail(new Error(`delivered a message that was never sent (seq ${seq})`));
        return;
      }
      if (received[seq] === 1) {
        duplicates++;
        return;
      }
      received[seq] = 1;
      delivered++;
      if (seq >= measureFrom) latencies[measured++] = now - sentMs;
      // The last PUBACK may reach the publisher after the subscriber has the message.
      if (delivered === total && acked === total) complete();
    }

    function startMeasuring(): void {
      tMeasure = performance.now();
      loadGen0 = process.cpuUsage();
      broker.start();
      lag.enable();
    }

    function stopMeasuring(): void {
      measuredSeconds = (performance.now() - tMeasure) / 1000;
      const cpu = process.cpuUsage(loadGen0);
      loadGenCores = (cpu.user + cpu.system) / 1e6 / measuredSeconds;
      brokerCores = broker.stop();
      lag.disable();
    }

    // Message k is due at start + k * interval and goes out on client k mod n, so each client
    // sends at its own fixed offset within the second. A late timer sends what is due at once;
    // each message is stamped when it is actually handed to the client.
    const start = performance.now();
    function tick(): void {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (next < due && !done) {
        if (next === measureFrom) startMeasuring();
        const i = next % n;
        const client = publishers[i];
        const topic = topics[i];
        if (client === undefined || topic === undefined)
          throw new Error('client index out of range');
        client.publish(topic, benchPayload(next, performance.now()), { qos: 1 }, onAck);
        next++;
      }
      if (done) return;
      if (next < total) {
        timer = setTimeout(tick, 1);
        return;
      }
      stopMeasuring();
      // Whatever has not arrived by now counts as lost.
      timer = setTimeout(complete, options.drainMs);
    }

    subscriber.on('message', onMessage);
    tick();
  });
}
