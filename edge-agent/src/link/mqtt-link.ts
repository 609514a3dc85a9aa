import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  TOPICS,
  type Clock,
  type DeviceKind,
  type ReportedStatePayload,
  type TimerHandle,
} from '@hameau/protocol';
import type { Outbox } from '../outbox/outbox.js';
import type { AgentState } from '../store/agent-state.js';
import { Backoff } from './backoff.js';
import { applyCloudAck } from './cloud-acks.js';
import { classifyIncoming, linkSubscriptions } from './link-topics.js';
import { OutboxDrain } from './outbox-drain.js';
import { ResendWatch } from './resend-watch.js';
import { statusMessage } from './status-message.js';

export interface LinkOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly ca?: Buffer;
  readonly keepaliveSeconds: number;
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
  readonly identity: { readonly site: string; readonly device: string; readonly kind: DeviceKind };
  /** Agent software version, announced in the birth message. */
  readonly version: string;
  /** Replayed (historical) records per second after a reconnect. */
  readonly replayPerSecond: number;
  /** Publishes awaiting PUBACK at once. */
  readonly inflightWindow?: number;
  /**
   * With cloud acknowledgements: how long the oldest record may stay unacknowledged after it
   * was sent before the backlog is sent again (doubling while nothing moves, up to 16×).
   * Default 30 s.
   */
  readonly resendAfterMs?: number;
  readonly clock: Clock;
  readonly log: Logger;
  readonly outbox: Outbox;
  readonly state: AgentState;
  readonly random?: () => number;
}

/** What the link hands to the rest of the agent. */
export interface LinkHandlers {
  onCommand(name: string, payload: Buffer): void;
  onDesiredConfig(payload: Buffer): void;
  /** A locker bank's credential set arrived (subscribed only by `locker` devices). */
  onCredentials?(payload: Buffer): void;
  /** A relayed weather report arrived (subscribed only by `lighting` devices). */
  onWeather?(payload: Buffer): void;
  onConnectionChange?(connected: boolean): void;
}

const SESSION_KEY = 'link.session';

/**
 * The agent's MQTT link. It announces the device (retained birth, offline will, both with a
 * session counter), reconnects with jittered backoff on the injected clock, keeps a persistent
 * session for commands sent while it was away, and drains the outbox (`OutboxDrain`: live
 * records at once, the backlog replayed as history, each record once per connection). A record
 * leaves the outbox when the cloud says it has stored its seq (the retained `ingested` message,
 * `applyCloudAck`, with `ResendWatch` sending the backlog again when nothing is confirmed), or,
 * with the outbox's `deleteOn: 'puback'`, at the broker's PUBACK.
 */
export class MqttLink {
  readonly #o: LinkOptions;
  readonly #h: LinkHandlers;
  readonly #backoff: Backoff;
  /** Deletes at the cloud's `ingested` message rather than at PUBACK. */
  readonly #cloudAck: boolean;
  readonly #drain: OutboxDrain;
  /** Only with cloud acknowledgements. */
  readonly #resend: ResendWatch | null;
  #client: MqttClient | null = null;
  #connected = false;
  #stopped = true;
  #reconnectTimer: TimerHandle | null = null;
  #unsubscribeAppend: (() => void) | null = null;

  // Per connection:
  #session = 0;
  #subscribed = false;
  #pendingState: ReportedStatePayload | null = null;

  constructor(options: LinkOptions, handlers: LinkHandlers) {
    this.#o = options;
    this.#h = handlers;
    this.#backoff = new Backoff(options.reconnect.minMs, options.reconnect.maxMs, options.random);
    this.#cloudAck = options.outbox.deleteOn === 'cloud-ack';
    this.#drain = new OutboxDrain({
      outbox: options.outbox,
      clock: options.clock,
      log: options.log,
      replayPerSecond: options.replayPerSecond,
      window: options.inflightWindow ?? 32,
      deleteAtPuback: !this.#cloudAck,
    });
    this.#resend = this.#cloudAck
      ? new ResendWatch({
          outbox: options.outbox,
          drain: this.#drain,
          clock: options.clock,
          log: options.log,
          baseMs: options.resendAfterMs ?? 30_000,
        })
      : null;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /**
   * Connected and subscribed to its commands and config (and, with cloud acknowledgements, to
   * its `ingested` topic): commands sent now will arrive.
   */
  get ready(): boolean {
    return this.#connected && this.#subscribed;
  }

  /** Records awaiting PUBACK right now. */
  get inflight(): number {
    return this.#drain.inflight;
  }

  /** Starts connecting; the link then keeps itself connected until `stop`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribeAppend = this.#o.outbox.onAppend((entry) => {
      if (this.#connected) this.#drain.appended(entry);
    });
    this.#connect();
  }

  /** Publishes the reported state (retained); if offline, the latest is sent on connect. */
  publishState(state: ReportedStatePayload): void {
    this.#pendingState = state;
    this.#flushState();
  }

  /** Announces a clean shutdown (offline, retained), then disconnects. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unsubscribeAppend?.();
    if (this.#reconnectTimer) this.#o.clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#resend?.stop();
    this.#drain.end();
    const client = this.#client;
    this.#client = null;
    if (client === null) return;
    if (this.#connected) {
      const offline = this.#status('offline', this.#session, 'shutdown');
      await client
        .publishAsync(offline.topic, offline.payload, { qos: 1, retain: true })
        .catch((err: unknown) => {
          this.#o.log.warn({ err }, 'could not announce shutdown');
        });
    }
    this.#setConnected(false);
    await client.endAsync();
    this.#drain.removeAcknowledged();
  }

  #connect(): void {
    if (this.#stopped) return;
    const o = this.#o;
    const session = o.state.increment(SESSION_KEY);
    this.#session = session;
    const will = this.#status('offline', session, 'will');
    const options: IClientOptions = {
      clientId: o.username,
      username: o.username,
      password: o.password,
      clean: false,
      keepalive: o.keepaliveSeconds,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
      protocolVersion: 4,
      // mqtt-packet's default pre-builds a 2-byte Buffer for each of the 65,536 message ids:
      // about 6 MB of heap for an agent that sends a few messages a minute (bench:agent).
      writeCache: false,
      will: { topic: will.topic, payload: will.payload, qos: 1, retain: true },
      ...(o.ca && { ca: o.ca }),
    };
    const client = connect(o.url, options);
    this.#client = client;
    client.on('connect', () => {
      if (this.#client === client) this.#onConnect(client, session);
    });
    client.on('message', (topic, payload) => {
      this.#route(topic, payload);
    });
    client.on('error', (err) => {
      o.log.warn({ err: err.message }, 'mqtt error');
    });
    client.on('close', () => {
      if (this.#client === client) this.#onClose(client);
    });
  }

  #onConnect(client: MqttClient, session: number): void {
    const o = this.#o;
    this.#backoff.reset();
    this.#drain.begin(client);
    const birth = this.#status('online', session);
    client.publish(birth.topic, birth.payload, { qos: 1, retain: true });
    const { filters, ingested } = linkSubscriptions(o.identity, this.#cloudAck);
    client.subscribe(filters, { qos: 1 }, (err, granted) => {
      const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
      if (err || refused.some((topic) => topic !== ingested)) {
        o.log.error(
          { err: err?.message, granted },
          'subscription to commands, config or credentials refused',
        );
        return;
      }
      if (refused.includes(ingested)) {
        // A broker whose ACL predates the topic: commands work, but nothing will ever confirm
        // a record, so the outbox only shrinks by its caps.
        o.log.error(
          { topic: ingested },
          'subscription to cloud acknowledgements refused: the outbox keeps every record; upgrade the broker or set outbox.deleteOn: puback',
        );
      }
      if (this.#client === client) this.#subscribed = true;
    });
    o.log.info({ session, depth: o.outbox.stats().depth }, 'link connected');
    this.#setConnected(true);
    this.#flushState();
    this.#drain.pump();
    this.#resend?.start();
  }

  #onClose(client: MqttClient): void {
    client.removeAllListeners('message');
    this.#client = null;
    this.#subscribed = false;
    this.#drain.end();
    this.#resend?.stop();
    if (this.#connected) this.#o.log.warn('link lost');
    this.#setConnected(false);
    if (this.#stopped) return;
    const delay = this.#backoff.next();
    this.#reconnectTimer = this.#o.clock.setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, delay);
  }

  #route(topic: string, payload: Buffer): void {
    const message = classifyIncoming(topic, this.#o.identity);
    switch (message?.kind) {
      case 'command':
        this.#h.onCommand(message.name, payload);
        return;
      case 'desiredConfig':
        this.#h.onDesiredConfig(payload);
        return;
      case 'credentials':
        this.#h.onCredentials?.(payload);
        return;
      case 'weather':
        this.#h.onWeather?.(payload);
        return;
      case 'ingested': {
        // A persistent session subscribed in cloud-ack mode keeps its subscription after a
        // switch to puback: those messages are expected, and PUBACKs already delete.
        if (!this.#cloudAck) return;
        const o = this.#o;
        const acked = applyCloudAck(payload, {
          outbox: o.outbox,
          session: this.#session,
          log: o.log,
        });
        if (acked !== null) this.#drain.forget(acked);
        return;
      }
      case undefined:
        this.#o.log.warn({ topic }, 'ignoring a message on an unexpected topic');
        return;
    }
  }

  #flushState(): void {
    const state = this.#pendingState;
    const client = this.#client;
    if (state === null || client === null || !this.#connected) return;
    const topic = TOPICS.reportedState.build(this.#o.identity);
    client.publish(topic, TOPICS.reportedState.encode(state), { qos: 1, retain: true }, (err) => {
      if (!err && this.#pendingState === state) this.#pendingState = null;
    });
  }

  #status(state: 'online' | 'offline', session: number, reason?: 'will' | 'shutdown') {
    return statusMessage(this.#o, state, session, reason);
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    this.#h.onConnectionChange?.(connected);
  }
}
