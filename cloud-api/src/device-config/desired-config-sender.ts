import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { DesiredConfigPayload, TOPICS, type Clock } from '@hameau/protocol';
import type { CloudPublisher } from '../mqtt/cloud-publisher.js';
import { KeyedSerialQueue } from '../mqtt/keyed-serial-queue.js';
import { RerunWhileAsked } from '../mqtt/rerun-while-asked.js';
import type { Schema } from '../storage/schema.js';
import { deviceKeyOf, type DesiredConfigRecord } from './device-config-record.js';
import { deviceConfigStore, type DeviceKey } from './device-config-store.js';

/** Devices read per query when every device's configuration is published again. */
export const SYNC_PAGE_SIZE = 100;

/** What `sendLatest` did. */
export type SendOutcome =
  /** The broker acknowledged the device's newest version; `record` has the new `publishedAt`. */
  | { readonly status: 'published'; readonly record: DesiredConfigRecord }
  /** The device has no desired configuration (or was just deleted). */
  | { readonly status: 'none' }
  /** Not connected, the publish failed, or the app is closing: it goes out at the next connect. */
  | { readonly status: 'unavailable' }
  /** The stored version does not make a valid payload (a bug; logged). */
  | { readonly status: 'invalid' };

/** Publishes counted by `syncAll`. */
export interface SyncCounts {
  readonly published: number;
  readonly failed: number;
}

export interface DesiredConfigSenderDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly publisher: CloudPublisher;
  readonly pageSize?: number;
}

/**
 * Publishes desired configurations, retained, on `TOPICS.desiredConfig`: a device's newest
 * version when it is set or a resync is asked, and every device's newest version at each broker
 * (re)connection (a broker restarted without persistence has lost its retained messages).
 *
 * The broker keeps the last retained message of a topic, so what counts is which publish comes
 * last. Publishes of one device are therefore run one after the other, each reading the newest
 * version right before it publishes: a resync that read version 6 cannot overwrite the 7 a
 * concurrent change just published. Publishing a version again is harmless, the device applies
 * only a version newer than the one it runs.
 */
export class DesiredConfigSender {
  readonly #d: DesiredConfigSenderDeps;
  /** A device's publishes, one after the other. */
  readonly #queue = new KeyedSerialQueue();
  readonly #sync: RerunWhileAsked<SyncCounts>;
  #closed = false;

  constructor(deps: DesiredConfigSenderDeps) {
    this.#d = deps;
    this.#sync = new RerunWhileAsked({
      once: () => this.#syncOnce(),
      add: (a, b) => ({ published: a.published + b.published, failed: a.failed + b.failed }),
      zero: { published: 0, failed: 0 },
      stopped: () => !this.#isOpen(),
    });
  }

  /**
   * Publishes the device's newest version, after any publish of the same device still running.
   * Never throws for want of MQTT: a failure is logged and reported as `unavailable`.
   */
  sendLatest(key: DeviceKey): Promise<SendOutcome> {
    return this.#queue.run(deviceKeyOf(key), () => this.#sendLatestNow(key));
  }

  /**
   * Publishes the newest version of every device that has one: first those never acknowledged
   * by the broker, then all the others, a page of devices at a time with their publishes
   * overlapping. A call while a sync runs makes it run once more when it ends (the connection
   * may have dropped in between), and resolves with both.
   */
  syncAll(): Promise<SyncCounts> {
    return this.#sync.request();
  }

  /** Publishes nothing more and stops writing publish outcomes: the app is closing. */
  close(): void {
    this.#closed = true;
  }

  async #syncOnce(): Promise<SyncCounts> {
    const { db } = this.#d;
    const limit = this.#d.pageSize ?? SYNC_PAGE_SIZE;
    const done = new Set<string>();
    let published = 0;
    let failed = 0;
    for (const unpublishedOnly of [true, false]) {
      let after: DeviceKey | undefined;
      for (;;) {
        // The connection dropped: the next connect syncs again from the start.
        if (!this.#canPublish()) return { published, failed };
        const keys = await deviceConfigStore.devicesWithConfig(db, {
          unpublishedOnly,
          after,
          limit,
        });
        const todo = keys.filter((k) => !done.has(deviceKeyOf(k)));
        const outcomes = await Promise.all(todo.map((k) => this.sendLatest(k)));
        for (const [i, outcome] of outcomes.entries()) {
          const key = todo[i];
          if (key !== undefined) done.add(deviceKeyOf(key));
          if (outcome.status === 'published') published++;
          else if (outcome.status !== 'none') failed++;
        }
        after = keys.at(-1);
        if (keys.length < limit || after === undefined) break;
      }
    }
    return { published, failed };
  }

  async #sendLatestNow(key: DeviceKey): Promise<SendOutcome> {
    const { db, clock, publisher } = this.#d;
    if (!this.#canPublish()) return { status: 'unavailable' };
    const latest = await deviceConfigStore.latest(db, key);
    if (latest === undefined) return { status: 'none' };
    const log = this.#d.log.child({ site: key.site, device: key.device, version: latest.version });
    const payload = DesiredConfigPayload.safeParse({
      version: latest.version,
      issuedAt: new Date(latest.issuedAt).toISOString(),
      config: latest.config,
    });
    if (!payload.success) {
      log.error({ issues: payload.error.issues.map((i) => i.path.join('.')) }, 'invalid config');
      return { status: 'invalid' };
    }
    // Reading may have taken a while: the app may be closing, or the connection gone.
    if (!this.#canPublish()) return { status: 'unavailable' };
    const topic = TOPICS.desiredConfig;
    try {
      await publisher.publish(topic.build(key), payload.data, {
        qos: topic.qos,
        retain: topic.retain,
      });
    } catch (err) {
      log.warn({ err }, 'desired config not published; it goes out at the next broker connection');
      return { status: 'unavailable' };
    }
    const at = clock.now();
    // The app may have closed while the broker was answering, and its database with it.
    if (this.#isOpen()) await deviceConfigStore.markPublished(db, key, latest.version, at);
    // Sizes only: a configuration may hold secrets (a gateway password, a pickup code seed).
    log.info(
      { bytes: Buffer.byteLength(JSON.stringify(payload.data)) },
      'desired config published',
    );
    return { status: 'published', record: { ...latest, publishedAt: at } };
  }

  // Methods, not the fields: the app may close, or the connection drop, during any await.
  #isOpen(): boolean {
    return !this.#closed;
  }

  #canPublish(): boolean {
    return this.#isOpen() && this.#d.publisher.connected;
  }
}
