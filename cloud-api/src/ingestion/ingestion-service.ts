import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { HameauError, type Clock, type TimerHandle } from '@hameau/protocol';
import type { CloudPublisher, PublishOptions } from '../mqtt/cloud-publisher.js';
import { INGESTION_FILTERS } from './decode-device-message.js';
import type { IngestionConfig } from './ingestion-config.js';
import { IngestJournal } from './ingest-journal.js';
import type { IngestCounters, IngestPipeline } from './ingest-pipeline.js';
import { SeqAcknowledger } from './seq-acknowledger.js';

/** What `/healthz` and the benchmark read. */
export interface IngestionStats {
  readonly connected: boolean;
  /** Messages received and not yet processed. */
  readonly journalDepth: number;
  readonly counters: IngestCounters;
  /** The last batch failure (the time-series store down…), cleared by a success. */
  readonly lastError: string | null;
}

export interface IngestionServiceDeps {
  readonly config: IngestionConfig & { readonly password: string; readonly journalPath: string };
  readonly pipeline: IngestPipeline;
  readonly clock: Clock;
  readonly log: Logger;
  /** For tests: extra mqtt.js options (e.g. a short reconnect period). */
  readonly mqttOptions?: Partial<IClientOptions>;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * The API's MQTT side. It subscribes as the `cloud` account with a persistent session, so the
 * broker queues device messages while the API is down. Each message is appended to the intake
 * journal and acknowledged; batches are taken from the journal, run through the pipeline, and
 * removed once done, and then each device that sent seqs is told which ones the cloud has stored
 * (`ingested`), so its outbox can delete them. It is also the publisher commands and desired
 * config go out through.
 */
export class IngestionService implements CloudPublisher {
  readonly #d: IngestionServiceDeps;
  readonly #log: Logger;
  readonly #journal: IngestJournal;
  readonly #acks: SeqAcknowledger;
  readonly #connectListeners = new Set<() => void>();
  #client: MqttClient | null = null;
  #flushTimer: TimerHandle | null = null;
  #flushing: Promise<void> | null = null;
  #retryMs = 0;
  #lastError: string | null = null;
  #stopped = false;

  constructor(deps: IngestionServiceDeps) {
    this.#d = deps;
    this.#log = deps.log.child({ component: 'ingestion' });
    this.#journal = new IngestJournal(deps.config.journalPath);
    this.#acks = new SeqAcknowledger({
      ledger: deps.pipeline.ledger,
      publisher: this,
      clock: deps.clock,
      log: this.#log,
      intervalMs: deps.config.ackIntervalMs,
    });
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  stats(): IngestionStats {
    return {
      connected: this.connected,
      journalDepth: this.#journal.depth,
      counters: this.#d.pipeline.counters,
      lastError: this.#lastError,
    };
  }

  /**
   * Schedules what an earlier run left in the journal, then connects; the broker may come
   * later (mqtt.js keeps retrying).
   */
  start(): void {
    this.#stopped = false;
    if (this.#journal.depth > 0) {
      this.#log.info({ depth: this.#journal.depth }, 'replaying the intake journal');
      this.#schedule(0);
    }
    const { config } = this.#d;
    const client = mqtt.connect(config.url, {
      clientId: config.clientId,
      username: config.username,
      password: config.password,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      ...this.#d.mqttOptions,
    });
    // Runs for every QoS 1 message before its PUBACK; the next message waits for the callback.
    client.handleMessage = (packet, callback) => {
      try {
        this.#journal.append(packet.topic, toBuffer(packet.payload), this.#d.clock.now());
      } catch (err) {
        // No ack: the broker keeps the message and sends it again after a reconnect.
        this.#log.error({ err }, 'intake journal write failed; message not acknowledged');
        callback(err as Error);
        return;
      }
      callback();
      this.#onAppend();
    };
    client.on('connect', (connack) => {
      this.#log.info({ url: config.url, sessionPresent: connack.sessionPresent }, 'MQTT connected');
      // Acknowledgements that failed or were skipped while the broker was away.
      this.#acks.republish();
      client.subscribe([...INGESTION_FILTERS], { qos: 1 }, (err, granted) => {
        const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
        if (err || refused.length > 0) {
          this.#log.error(
            { err, refused },
            'MQTT subscription refused: is this the cloud account?',
          );
          return;
        }
        for (const listener of this.#connectListeners) listener();
      });
    });
    client.on('close', () => {
      if (!this.#stopped) this.#log.warn('MQTT connection closed; reconnecting');
    });
    client.on('error', (err) => {
      this.#log.error({ err: err.message }, 'MQTT error');
    });
    this.#client = client;
  }

  onConnect(listener: () => void): () => void {
    this.#connectListeners.add(listener);
    return () => this.#connectListeners.delete(listener);
  }

  async publish(topic: string, payload: unknown, options: PublishOptions): Promise<void> {
    const client = this.#client;
    if (!client?.connected) {
      throw new HameauError('MQTT_UNAVAILABLE', 'the API is not connected to the MQTT broker');
    }
    try {
      await client.publishAsync(topic, JSON.stringify(payload), {
        qos: options.qos,
        retain: options.retain,
      });
    } catch (err) {
      throw new HameauError('MQTT_UNAVAILABLE', `publish to ${topic} failed`, {
        cause: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** Processes every journalled message now (tests, shutdown). */
  async flush(): Promise<void> {
    this.#cancelTimer();
    await this.#flushing;
    this.#flushing = this.#drain();
    try {
      await this.#flushing;
    } finally {
      this.#flushing = null;
    }
  }

  /**
   * Disconnects (the broker keeps queueing for the session), then processes what is left in
   * the journal; what cannot be stored now stays there for the next start.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#acks.stop();
    this.#connectListeners.clear();
    const client = this.#client;
    this.#client = null;
    // A graceful end waits for the PUBACK of every publish in flight (acknowledgements,
    // commands), which never comes once the broker is gone: then end at once. Those are sent
    // again after the next start (commands stay queued, acknowledgements are re-published).
    if (client) await client.endAsync(!client.connected);
    try {
      await this.flush();
    } catch (err) {
      this.#log.warn({ err, depth: this.#journal.depth }, 'journal kept for the next start');
    }
    this.#cancelTimer();
    this.#journal.close();
  }

  #onAppend(): void {
    if (this.#flushing !== null) return;
    if (this.#journal.depth >= this.#d.config.batchMaxMessages) this.#schedule(0);
    else if (this.#flushTimer === null) this.#schedule(this.#d.config.batchMaxDelayMs);
  }

  #schedule(delayMs: number): void {
    this.#cancelTimer();
    this.#flushTimer = this.#d.clock.setTimeout(() => {
      this.#flushTimer = null;
      this.#flushing = this.#drain()
        .then(() => {
          this.#retryMs = 0;
          this.#lastError = null;
        })
        .catch((err: unknown) => {
          this.#retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, this.#retryMs * 2));
          this.#lastError = err instanceof Error ? err.message : String(err);
          this.#log.error(
            { err, depth: this.#journal.depth, retryInMs: this.#retryMs },
            'ingestion batch failed; kept in the journal, retrying',
          );
        })
        .finally(() => {
          this.#flushing = null;
          if (this.#stopped) return;
          if (this.#retryMs > 0) this.#schedule(this.#retryMs);
          else if (this.#journal.depth > 0) this.#onAppend();
        });
    }, delayMs);
  }

  /** Runs batches until the journal is empty; rejects on the first failed batch. */
  async #drain(): Promise<void> {
    const max = this.#d.config.batchMaxMessages;
    for (;;) {
      const batch = this.#journal.take(max);
      const last = batch.at(-1);
      if (last === undefined) return;
      const outcome = await this.#d.pipeline.process(batch);
      this.#journal.removeThrough(last.id);
      this.#acks.acknowledge(outcome.seqsFrom);
    }
  }

  #cancelTimer(): void {
    if (this.#flushTimer !== null) this.#d.clock.clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
  }
}

const toBuffer = (payload: Buffer | string): Buffer =>
  typeof payload === 'string' ? Buffer.from(payload) : payload;
