import type { MqttClient } from 'mqtt';
import { closeAll, watchForDisconnects, type Endpoint } from '../broker/mqtt-client.js';
import type { BenchDevice } from '../ingest/api-child.js';
import { connectMeterAgents, publishBirth } from '../ingest/meter-agents.js';
import { LIVE_SITE, LiveMeter } from './live-readings.js';
import { publishSchedule, seededRandom } from './publish-schedule.js';
import type { MarkerPublish } from './reading-latency.js';
import { epochNow } from './sse-viewer.js';

/** What one stretch of publishing did. */
export interface PublishWindow {
  /** The marker's readings published in the window, with their publish times. */
  readonly publishes: MarkerPublish[];
  /** Every reading published in it, all agents. */
  readonly readings: number;
  readonly fromMs: number;
  readonly untilMs: number;
  /** Readings per second really sent (the timer may lag on a busy machine). */
  readonly offeredPerSecond: number;
}

/**
 * The meters agents of the live part: one MQTT connection each, as registered devices (the
 * broker authenticates them against the API's registry), publishing QoS 1 readings round-robin
 * at a steady mean rate, as a town's agents do between them. Agent 0 carries the marker meter,
 * whose every publish time is kept.
 */
export class LivePublisher {
  readonly #clients: readonly MqttClient[];
  readonly #meters: readonly LiveMeter[];
  #failure: Error | null = null;
  readonly #random = seededRandom(7);
  readonly #stopWatching: () => void;

  private constructor(clients: MqttClient[]) {
    this.#clients = clients;
    this.#meters = clients.map((_, i) => new LiveMeter(i));
    this.#stopWatching = watchForDisconnects(clients, (c) => {
      this.#failure ??= new Error(`${c.options.clientId ?? 'an agent'} was disconnected`);
    });
  }

  static async connect(
    endpoint: Endpoint,
    devices: readonly BenchDevice[],
  ): Promise<LivePublisher> {
    const clients = await connectMeterAgents(endpoint, devices, 10);
    const publisher = new LivePublisher(clients);
    await Promise.all(
      clients.map((c, i) => publishBirth(c, LIVE_SITE, publisher.#meters[i]?.device ?? '')),
    );
    return publisher;
  }

  /**
   * Publishes for about `seconds` at `ratePerSecond` readings across the agents, round-robin
   * (reading k from agent k mod n), at the times `publishSchedule` gives; resolves once every
   * one has its PUBACK.
   */
  async run(ratePerSecond: number, seconds: number): Promise<PublishWindow> {
    const total = Math.max(1, Math.round(ratePerSecond * seconds));
    const n = this.#clients.length;
    const due = publishSchedule(total, ratePerSecond, this.#random);
    const publishes: MarkerPublish[] = [];
    const acks: Promise<unknown>[] = [];
    const fromMs = epochNow();
    const start = performance.now();
    let sent = 0;
    while (sent < total) {
      if (this.#failure !== null) throw this.#failure;
      const elapsed = performance.now() - start;
      while (sent < total && (due[sent] ?? 0) <= elapsed) {
        const i = sent % n;
        const client = this.#clients[i] as MqttClient;
        const meter = this.#meters[i] as LiveMeter;
        const now = epochNow();
        const reading = meter.next(now);
        if (i === 0) publishes.push({ seq: reading.seq, publishedMs: now });
        acks.push(client.publishAsync(meter.topic, reading.payload, { qos: 1 }));
        sent++;
      }
      const next = start + (due[sent] ?? 0);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
    const untilMs = epochNow();
    await Promise.all(acks);
    return {
      publishes,
      readings: sent,
      fromMs,
      untilMs,
      offeredPerSecond: sent / ((untilMs - fromMs) / 1000),
    };
  }

  async close(): Promise<void> {
    this.#stopWatching();
    await closeAll(this.#clients);
  }
}
