import type { MqttClient } from 'mqtt';
import { closeAll, watchForDisconnects, type Endpoint } from '../broker/mqtt-client.js';
import type { BenchDevice } from './api-child.js';
import { connectMeterAgents, publishBirth } from './meter-agents.js';
import { MeterReadings } from './meter-readings.js';

/** One timed burst of publishing. */
export interface PublishLoad {
  readonly messages: number;
  /** Messages per second across the fleet, sent evenly; null for as fast as PUBACKs allow. */
  readonly ratePerSecond: number | null;
}

/** What the fleet did during one load. */
export interface PublishResult {
  readonly messages: number;
  /** Epoch ms of the first and last publish (the clock the API's lag is measured on). */
  readonly firstPublishAt: number;
  readonly lastPublishAt: number;
  /** The rate the fleet actually offered: messages over first → last publish. */
  readonly offeredPerSecond: number;
  /** The furthest a reading's `at` was pushed past the time it was taken (`MeterReadings`). */
  readonly maxAheadMs: number;
}

/**
 * Simulated meters agents: one MQTT connection per device, with its credentials from the
 * registry, publishing QoS 1 SDM630 readings. Each connection keeps at most `window` publishes
 * awaiting PUBACK, as the agent's MQTT link does (32 by default); when the broker falls behind,
 * the agents fall behind their schedule rather than queue without bound, and
 * `offeredPerSecond` shows it.
 */
export class AgentFleet {
  readonly #clients: readonly MqttClient[];
  readonly #meters: readonly MeterReadings[];
  readonly #window: number;

  private constructor(clients: MqttClient[], meters: MeterReadings[], window: number) {
    this.#clients = clients;
    this.#meters = meters;
    this.#window = window;
  }

  /** Connects every device, `connectBatch` at a time (each CONNECT costs the broker a scrypt). */
  static async connect(
    endpoint: Endpoint,
    site: string,
    devices: readonly BenchDevice[],
    options: { readonly window: number; readonly connectBatch: number },
  ): Promise<AgentFleet> {
    const clients = await connectMeterAgents(endpoint, devices, options.connectBatch);
    const meters = devices.map((d, i) => new MeterReadings(site, d.device, i));
    return new AgentFleet(clients, meters, options.window);
  }

  get size(): number {
    return this.#clients.length;
  }

  /** Readings sent per device so far (= its last seq). */
  sentPerDevice(): Map<string, number> {
    return new Map(this.#meters.map((m) => [m.device, m.sent]));
  }

  /** Each agent's birth (retained, QoS 1), as after every connect. */
  async publishBirths(): Promise<void> {
    await Promise.all(
      this.#meters.map((m, i) => {
        const client = this.#clients[i];
        if (client === undefined) throw new Error(`no connection for ${m.device}`);
        return publishBirth(client, m.site, m.device);
      }),
    );
  }

  /**
   * Publishes `load.messages` readings, an equal share from each agent; resolves once every one
   * has its PUBACK. Paced, agent i's j-th reading is taken at (j·n + i) / rate seconds, so the
   * fleet reads evenly round-robin, and stamped with that time; each agent keeps its own
   * schedule and window, so one agent waiting for PUBACKs holds back only itself (and catches
   * up once they come). Flat out, a reading is taken when it is sent.
   */
  run(load: PublishLoad): Promise<PublishResult> {
    const clients = this.#clients;
    const meters = this.#meters;
    const n = clients.length;
    const window = this.#window;
    const inflight = new Array<number>(n).fill(0);
    const sentBy = new Array<number>(n).fill(0);
    const quota = Array.from(
      { length: n },
      (_, i) => Math.floor(load.messages / n) + (i < load.messages % n ? 1 : 0),
    );
    const interval = load.ratePerSecond === null ? 0 : 1000 / load.ratePerSecond;
    let sent = 0;
    let acked = 0;
    let firstPublishAt = 0;
    let lastPublishAt = 0;
    let start = 0;
    let startEpoch = 0;
    let maxAheadMs = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;

    return new Promise<PublishResult>((resolve, reject) => {
      const stopWatching = watchForDisconnects(clients, (c) => {
        fail(new Error(`${c.options.clientId ?? 'an agent'} was disconnected during the run`));
      });

      const finish = () => {
        done = true;
        clearTimeout(timer);
        stopWatching();
      };
      function fail(err: Error): void {
        if (done) return;
        finish();
        reject(err);
      }

      /** Readings agent i should have sent by now. */
      const dueBy = (i: number, q: number) => {
        if (interval === 0) return q;
        const slots = Math.floor((performance.now() - start) / interval);
        return Math.max(0, Math.min(q, Math.floor((slots - i) / n) + 1));
      };

      const pumpAgent = (i: number) => {
        const client = clients[i];
        const meter = meters[i];
        const q = quota[i] ?? 0;
        if (client === undefined || meter === undefined) throw new Error('agent out of range');
        const until = dueBy(i, q);
        while (!done && (sentBy[i] ?? 0) < until && (inflight[i] ?? 0) < window) {
          const now = Date.now();
          // Paced, a reading is taken when it is due, whether or not the window lets it go
          // then: time spent waiting for the broker is part of its lag, as on a real agent.
          const takenAt = interval === 0 ? now : startEpoch + ((sentBy[i] ?? 0) * n + i) * interval;
          const reading = meter.next(takenAt);
          maxAheadMs = Math.max(maxAheadMs, reading.atMs - takenAt);
          if (sent === 0) firstPublishAt = now;
          lastPublishAt = now;
          sent++;
          sentBy[i] = (sentBy[i] ?? 0) + 1;
          inflight[i] = (inflight[i] ?? 0) + 1;
          client.publish(meter.topic, reading.payload, { qos: 1 }, (err) => {
            if (err) {
              fail(err);
              return;
            }
            inflight[i] = (inflight[i] ?? 1) - 1;
            acked++;
            if (acked === load.messages) {
              finish();
              const seconds = Math.max(1, lastPublishAt - firstPublishAt) / 1000;
              resolve({
                messages: load.messages,
                firstPublishAt,
                lastPublishAt,
                offeredPerSecond: load.messages / seconds,
                maxAheadMs,
              });
              return;
            }
            pumpAgent(i);
          });
        }
      };

      const tick = () => {
        for (let i = 0; i < n; i++) pumpAgent(i);
        if (!done && sent < load.messages && interval > 0) timer = setTimeout(tick, 1);
      };
      start = performance.now();
      startEpoch = Date.now();
      tick();
    });
  }

  close(): Promise<void> {
    return closeAll(this.#clients);
  }
}
