import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '@hameau/protocol';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';
import { markHistorical } from './mark-historical.js';
import { ReplayThrottle } from './replay-throttle.js';

export interface OutboxDrainOptions {
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly log: Logger;
  /** Replayed (historical) records per second. */
  readonly replayPerSecond: number;
  /** Publishes awaiting PUBACK at once. */
  readonly window: number;
  /** Deletes a record at the broker's PUBACK (`deleteOn: 'puback'`) instead of the cloud's ack. */
  readonly deleteAtPuback: boolean;
}

/** Records read from the outbox at a time by the replay walk. */
const REPLAY_BATCH = 100;

/**
 * What one connection sends from the outbox. Records written after the connection was made go
 * out at once ("live"); older ones are replayed oldest first, marked historical, at a throttled
 * rate, so live readings are never stuck behind hours of history. Each record is sent once per
 * connection, with at most `window` publishes awaiting PUBACK.
 */
export class OutboxDrain {
  readonly #o: OutboxDrainOptions;
  /** The connection being drained into; null between connections. */
  #client: MqttClient | null = null;
  #throttle: ReplayThrottle;
  #pumpTimer: TimerHandle | null = null;
  readonly #live: OutboxEntry[] = [];
  /** Ids sent live on this connection that the replay walk has not passed yet. */
  readonly #liveIds = new Set<number>();
  #replay: OutboxEntry[] = [];
  #replayCursor = 0;
  #replayDone = false;
  readonly #inflight = new Set<number>();
  /** PUBACKed ids waiting for their batched delete (puback mode only). */
  readonly #acked: number[] = [];
  #removalScheduled = false;

  constructor(options: OutboxDrainOptions) {
    this.#o = options;
    this.#throttle = new ReplayThrottle(options.replayPerSecond, options.clock);
  }

  /** Records awaiting PUBACK right now. */
  get inflight(): number {
    return this.#inflight.size;
  }

  /**
   * A connection is up: everything in the outbox now is its backlog. Sending starts at the
   * next `pump`, once the link has announced the device.
   */
  begin(client: MqttClient): void {
    this.#client = client;
    this.#throttle = new ReplayThrottle(this.#o.replayPerSecond, this.#o.clock);
    this.#live.length = 0;
    this.#replay = [];
    this.#replayCursor = 0;
    this.#replayDone = false;
    this.#liveIds.clear();
    this.#inflight.clear();
  }

  /**
   * The connection is gone: what it had queued or in flight stays in the outbox for the next
   * one. Late PUBACKs of the old connection are ignored from here on.
   */
  end(): void {
    this.#client = null;
    this.#inflight.clear();
    this.#live.length = 0;
    this.#replay = [];
    if (this.#pumpTimer) this.#o.clock.clearTimeout(this.#pumpTimer);
    this.#pumpTimer = null;
  }

  /** A record was just appended to the outbox: it goes live, ahead of the backlog. */
  appended(entry: OutboxEntry): void {
    if (this.#client === null) return;
    this.#live.push(entry);
    if (!this.#replayDone) this.#liveIds.add(entry.id);
    this.pump();
  }

  /**
   * True when the record has been sent on this connection and is no longer in flight or
   * queued: the backlog walk is over and nothing of it is left to send.
   */
  hasSent(id: number): boolean {
    return (
      this.#client !== null &&
      this.#replayDone &&
      this.#replay.length === 0 &&
      !this.#inflight.has(id) &&
      !this.#live.some((e) => e.id === id)
    );
  }

  /** Walks the whole backlog again from the oldest record, as history. */
  replayAgain(): void {
    this.#replay = [];
    this.#replayCursor = 0;
    this.#replayDone = false;
    this.#liveIds.clear();
    this.pump();
  }

  /** Drops the records the cloud has confirmed from what this connection still has queued. */
  forget(acknowledged: (entry: OutboxEntry) => boolean): void {
    this.#replay = this.#replay.filter((e) => !acknowledged(e));
    const live = this.#live.filter((e) => !acknowledged(e));
    this.#live.splice(0, this.#live.length, ...live);
  }

  /** Deletes what the broker acknowledged and the batched delete has not reached yet. */
  removeAcknowledged(): void {
    const acked = this.#acked.splice(0);
    if (acked.length > 0) this.#o.outbox.removeMany(acked);
  }

  /** Sends what the window allows: live records first, then throttled replay. */
  pump(): void {
    const client = this.#client;
    if (client === null) return;
    while (this.#inflight.size < this.#o.window) {
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
      if (this.#o.deleteAtPuback) {
        this.#acked.push(entry.id);
        this.#scheduleRemoval();
      }
      this.pump();
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
      this.removeAcknowledged();
    });
  }

  #schedulePump(ms: number): void {
    if (this.#pumpTimer) return;
    this.#pumpTimer = this.#o.clock.setTimeout(() => {
      this.#pumpTimer = null;
      this.pump();
    }, ms);
  }
}
