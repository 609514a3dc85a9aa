import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  TOPICS,
  type Clock,
  type DeviceKind,
  type IngestedPayload,
  type ReportedStatePayload,
  type TimerHandle,
} from '@hameau/protocol';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';
import { inSeqRanges } from '../outbox/seq-range-list.js';
import type { AgentState } from '../store/agent-state.js';
import { Backoff } from './backoff.js';
import { markHistorical } from './mark-historical.js';
import { ReplayThrottle } from './replay-throttle.js';

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

const REPLAY_BATCH = 100;
const SESSION_KEY = 'link.session';

/**
 * The agent's MQTT link. It announces the device (retained birth, offline will, both with a
 * session counter), reconnects with jittered backoff on the injected clock, keeps a persistent
 * session for commands sent while it was away, and drains the outbox. Records written after the
 * current connection was made go out at once; older ones are replayed oldest first, marked
 * historical, at a throttled rate. Each record is sent once per connection. It leaves the
 * outbox when the cloud says it has stored its seq (the retained `ingested` message), or, with
 * the outbox's `deleteOn: 'puback'`, at the broker's PUBACK.
 */
export class MqttLink {
  readonly #o: LinkOptions;
  readonly #h: LinkHandlers;
  readonly #backoff: Backoff;
  readonly #window: number;
  /** Deletes at the cloud's `ingested` message rather than at PUBACK. */
  readonly #cloudAck: boolean;
  /** The resend check's first interval (`resendAfterMs`, default 30 s). */
  readonly #resendBaseMs: number;
  #client: MqttClient | null = null;
  #connected = false;
  #stopped = true;
  #reconnectTimer: TimerHandle | null = null;
  #pumpTimer: TimerHandle | null = null;
  #resendTimer: TimerHandle | null = null;
  /** The oldest outbox record (id) seen already sent at the last check, and the interval. */
  #resendWatch: number | null = null;
  #resendMs = 0;
  #unsubscribeAppend: (() => void) | null = null;

  // Per connection:
  #session = 0;
  #subscribed = false;
  /** Ids sent live on this connection that the replay walk has not passed yet. */
  readonly #liveIds = new Set<number>();
  #throttle: ReplayThrottle;
  readonly #live: OutboxEntry[] = [];
  #replay: OutboxEntry[] = [];
  #replayCursor = 0;
  #replayDone = false;
  readonly #inflight = new Set<number>();
  readonly #acked: number[] = [];
  #removalScheduled = false;
  #pendingState: ReportedStatePayload | null = null;

  constructor(options: LinkOptions, handlers: LinkHandlers) {
    this.#o = options;
    this.#h = handlers;
    this.#backoff = new Backoff(options.reconnect.minMs, options.reconnect.maxMs, options.random);
    this.#window = options.inflightWindow ?? 32;
    this.#cloudAck = options.outbox.deleteOn === 'cloud-ack';
    this.#resendBaseMs = options.resendAfterMs ?? 30_000;
    this.#throttle = new ReplayThrottle(options.replayPerSecond, options.clock);
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
    return this.#inflight.size;
  }

  /** Starts connecting; the link then keeps itself connected until `stop`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribeAppend = this.#o.outbox.onAppend((entry) => {
      if (this.#connected) {
        this.#live.push(entry);
        if (!this.#replayDone) this.#liveIds.add(entry.id);
        this.#pump();
      }
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
    this.#clearTimers();
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
    const acked = this.#acked.splice(0);
    if (acked.length > 0) this.#o.outbox.removeMany(acked);
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
    this.#throttle = new ReplayThrottle(o.replayPerSecond, o.clock);
    this.#live.length = 0;
    this.#replay = [];
    this.#replayCursor = 0;
    this.#replayDone = false;
    this.#liveIds.clear();
    this.#inflight.clear();
    const birth = this.#status('online', session);
    client.publish(birth.topic, birth.payload, { qos: 1, retain: true });
    const id = { site: o.identity.site, device: o.identity.device };
    const ingested = TOPICS.ingested.build(id);
    const filters = [TOPICS.command.filter(id), TOPICS.desiredConfig.build(id)];
    if (o.identity.kind === 'locker') filters.push(TOPICS.credentials.build(id));
    if (o.identity.kind === 'lighting') filters.push(TOPICS.weather.build(id));
    if (this.#cloudAck) filters.push(ingested);
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
    this.#pump();
    this.#resendWatch = null;
    this.#resendMs = this.#resendBaseMs;
    this.#scheduleResendCheck();
  }

  /**
   * With cloud acknowledgements, a record is sent once per connection, and the cloud may not
   * have been there to take it: a broker without persistence restarts, the agent reconnects
   * and replays before the cloud's session is back, and the replay reaches nobody. So the
   * oldest record is watched: still there, already sent and not in flight at two checks in a
   * row, the backlog is sent again from the start (the cloud drops what it already has). The
   * interval doubles while nothing moves, so a cloud that is down costs a resend every few
   * minutes, not a flood.
   */
  #scheduleResendCheck(): void {
    if (!this.#cloudAck || this.#resendTimer !== null) return;
    this.#resendTimer = this.#o.clock.setTimeout(() => {
      this.#resendTimer = null;
      this.#checkResend();
      if (this.#connected) this.#scheduleResendCheck();
    }, this.#resendMs);
  }

  #checkResend(): void {
    if (!this.#connected) return;
    const oldest = this.#o.outbox.oldest(1)[0];
    const sent =
      oldest !== undefined &&
      this.#replayDone &&
      this.#replay.length === 0 &&
      !this.#inflight.has(oldest.id) &&
      !this.#live.some((e) => e.id === oldest.id);
    if (!sent) {
      this.#resendWatch = null;
      this.#resendMs = this.#resendBaseMs;
      return;
    }
    if (this.#resendWatch !== oldest.id) {
      this.#resendWatch = oldest.id;
      this.#resendMs = this.#resendBaseMs;
      return;
    }
    this.#o.log.warn(
      { seq: oldest.seq, depth: this.#o.outbox.stats().depth },
      'the cloud has not acknowledged records sent on this connection: sending the backlog again',
    );
    this.#replay = [];
    this.#replayCursor = 0;
    this.#replayDone = false;
    this.#liveIds.clear();
    this.#resendMs = Math.min(this.#resendMs * 2, 16 * this.#resendBaseMs);
    this.#pump();
  }

  #onClose(client: MqttClient): void {
    client.removeAllListeners('message');
    this.#client = null;
    this.#subscribed = false;
    this.#inflight.clear();
    this.#live.length = 0;
    this.#replay = [];
    if (this.#pumpTimer) this.#o.clock.clearTimeout(this.#pumpTimer);
    this.#pumpTimer = null;
    if (this.#resendTimer) this.#o.clock.clearTimeout(this.#resendTimer);
    this.#resendTimer = null;
    if (this.#connected) this.#o.log.warn('link lost');
    this.#setConnected(false);
    if (this.#stopped) return;
    const delay = this.#backoff.next();
    this.#reconnectTimer = this.#o.clock.setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, delay);
  }

  /** Sends what the window allows: live records first, then throttled replay. */
  #pump(): void {
    const client = this.#client;
    if (!this.#connected || client === null) return;
    while (this.#inflight.size < this.#window) {
      const live = this.#live.shift();
      if (live) {
        this.#send(client, live, false);
        continue;
      }
      const next = this.#nextReplay();
      if (next === null) return;
      if (!this.#throttle.take()) {
        this.#replay.unshift(next);
        this.#schedulePump(this.#throttle.waitMs());
        return;
      }
      this.#send(client, next, true);
    }
  }

  /**
   * The next record of the backlog: everything that was in the outbox when this connection was
   * made, oldest first. Records appended since are sent live and skipped here.
   */
  #nextReplay(): OutboxEntry | null {
    for (;;) {
      const head = this.#replay.shift();
      if (head) {
        if (this.#inflight.has(head.id)) continue;
        return head;
      }
      if (this.#replayDone) return null;
      const batch = this.#o.outbox.oldest(REPLAY_BATCH, this.#replayCursor);
      const last = batch.at(-1);
      if (last) this.#replayCursor = last.id;
      this.#replay = batch.filter((e) => !this.#liveIds.has(e.id));
      for (const id of this.#liveIds) if (id <= this.#replayCursor) this.#liveIds.delete(id);
      if (batch.length < REPLAY_BATCH) {
        // The walk reached the end of the outbox: whatever comes next is live.
        this.#replayDone = true;
        if (batch.length === 0) return null;
      }
    }
  }

  #send(client: MqttClient, entry: OutboxEntry, historical: boolean): void {
    this.#inflight.add(entry.id);
    const payload = historical ? markHistorical(entry.payload) : entry.payload;
    client.publish(entry.topic, payload, { qos: 1, retain: false }, (err) => {
      if (this.#client !== client) return;
      this.#inflight.delete(entry.id);
      if (err) {
        // Stays in the outbox; it goes again, as history, after the next connect.
        this.#o.log.warn({ err: err.message, seq: entry.seq }, 'publish failed');
        return;
      }
      // With cloud acknowledgements a PUBACK only means "sent": the record stays until the
      // cloud confirms its seq, and the replay walk, which only moves forward, never sends it
      // again on this connection. After a reconnect it is replayed like any backlog.
      if (!this.#cloudAck) {
        this.#acked.push(entry.id);
        this.#scheduleRemoval();
      }
      this.#pump();
    });
  }

  /**
   * Deletes acknowledged records in batches: each delete is a durable (fsynced) commit, so one
   * per PUBACK would cap the drain rate at the disk's flush rate. A record acknowledged but not
   * yet deleted when the agent dies is only sent again, and the cloud ignores the duplicate.
   */
  #scheduleRemoval(): void {
    if (this.#removalScheduled) return;
    this.#removalScheduled = true;
    setImmediate(() => {
      this.#removalScheduled = false;
      const ids = this.#acked.splice(0);
      if (ids.length > 0) this.#o.outbox.removeMany(ids);
    });
  }

  #schedulePump(ms: number): void {
    if (this.#pumpTimer) return;
    this.#pumpTimer = this.#o.clock.setTimeout(() => {
      this.#pumpTimer = null;
      this.#pump();
    }, ms);
  }

  #route(topic: string, payload: Buffer): void {
    const command = TOPICS.command.match(topic);
    if (command && this.#isMine(command)) {
      this.#h.onCommand(command.name, payload);
      return;
    }
    const config = TOPICS.desiredConfig.match(topic);
    if (config && this.#isMine(config)) {
      this.#h.onDesiredConfig(payload);
      return;
    }
    const credentials = TOPICS.credentials.match(topic);
    if (credentials && this.#isMine(credentials)) {
      this.#h.onCredentials?.(payload);
      return;
    }
    const weather = TOPICS.weather.match(topic);
    if (weather && this.#isMine(weather)) {
      this.#h.onWeather?.(payload);
      return;
    }
    const ingested = TOPICS.ingested.match(topic);
    if (ingested && this.#isMine(ingested)) {
      // A persistent session subscribed in cloud-ack mode keeps its subscription after a
      // switch to puback: those messages are expected, and PUBACKs already delete.
      if (this.#cloudAck) this.#onIngested(payload);
      return;
    }
    this.#o.log.warn({ topic }, 'ignoring a message on an unexpected topic');
  }

  /**
   * The cloud's word on what it has stored: deletes those records in one durable transaction,
   * and drops them from what this connection still has queued to send. Never throws: a bad
   * payload or a failed delete is logged, and the next message (its ranges only grow) or the
   * retained one at the next connect covers the same records again.
   */
  #onIngested(payload: Buffer): void {
    const log = this.#o.log;
    let message: IngestedPayload;
    try {
      message = TOPICS.ingested.decode(payload);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'ignoring an invalid ingested message');
      return;
    }
    if (message.session > this.#session) {
      // The cloud knows a later session than ours: this agent lost its database and counts
      // seqs from 1 again, so these ranges are about records it no longer has.
      log.warn(
        { cloudSession: message.session, session: this.#session },
        'ignoring ingested ranges from a later session of this device',
      );
      return;
    }
    let removed: number;
    try {
      removed = this.#o.outbox.removeSeqRanges(message.seen);
    } catch (err) {
      log.error({ err }, 'could not delete the records the cloud acknowledged');
      return;
    }
    const acked = (e: OutboxEntry) => inSeqRanges(message.seen, e.seq);
    this.#replay = this.#replay.filter((e) => !acked(e));
    const live = this.#live.filter((e) => !acked(e));
    this.#live.splice(0, this.#live.length, ...live);
    log.debug({ removed, ranges: message.seen.length }, 'cloud acknowledged records');
  }

  #isMine(params: { site: string; device: string }): boolean {
    return params.site === this.#o.identity.site && params.device === this.#o.identity.device;
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
    const { site, device, kind } = this.#o.identity;
    return {
      topic: TOPICS.status.build({ site, device }),
      payload: TOPICS.status.encode({
        state,
        session,
        at: new Date(this.#o.clock.now()).toISOString(),
        kind,
        version: this.#o.version,
        ...(reason && { reason }),
      }),
    };
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    this.#h.onConnectionChange?.(connected);
  }

  #clearTimers(): void {
    if (this.#reconnectTimer) this.#o.clock.clearTimeout(this.#reconnectTimer);
    if (this.#pumpTimer) this.#o.clock.clearTimeout(this.#pumpTimer);
    if (this.#resendTimer) this.#o.clock.clearTimeout(this.#resendTimer);
    this.#reconnectTimer = null;
    this.#pumpTimer = null;
    this.#resendTimer = null;
  }
}
