import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { CredentialSetPayload, TOPICS } from '@hameau/protocol';
import type { CloudPublisher } from '../mqtt/cloud-publisher.js';
import { KeyedSerialQueue } from '../mqtt/keyed-serial-queue.js';
import { RerunWhileAsked } from '../mqtt/rerun-while-asked.js';
import type { Schema } from '../storage/schema.js';
import { bankStore } from './bank-store.js';
import { credentialSetOf } from './credential-set.js';
import type { LockerBank } from './locker.js';
import { reservationStore } from './reservation-store.js';

/** What `sendLatest` did. */
export type CredentialSendOutcome =
  /** The broker acknowledged the bank's newest set. */
  | { readonly status: 'published'; readonly version: number; readonly credentials: number }
  /** No such bank (deleted meanwhile). */
  | { readonly status: 'none' }
  /** Not connected, the publish failed, or the app is closing: it goes out at the next connect. */
  | { readonly status: 'unavailable' }
  /** The stored state does not make a valid set (a bug; logged). */
  | { readonly status: 'invalid' };

export interface CredentialSenderDeps {
  readonly db: Kysely<Schema>;
  readonly log: Logger;
  readonly publisher: CloudPublisher;
  /** The bank's code-hash key (derived from the pepper). */
  readonly hashKeyOf: (bank: LockerBank) => Buffer;
}

/**
 * Publishes banks' credential sets, whole and retained, on `TOPICS.credentials`: a bank's
 * newest set after each change of its credentials, and every bank's at each broker (re)connect
 * and at start. The retained message is what an agent that was offline finds, so the last
 * publish of a bank must be its newest set: a bank's publishes run one after the other, each
 * reading the newest state right before it publishes. A set published twice is harmless (the
 * agent keeps only a version newer than its own).
 */
export class CredentialSender {
  readonly #d: CredentialSenderDeps;
  /** A bank's publishes, one after the other. */
  readonly #queue = new KeyedSerialQueue();
  readonly #sync: RerunWhileAsked<number>;
  #closed = false;

  constructor(deps: CredentialSenderDeps) {
    this.#d = deps;
    this.#sync = new RerunWhileAsked({
      once: () => this.#syncOnce(),
      add: (a, b) => a + b,
      zero: 0,
      stopped: () => this.#closed,
    });
  }

  /** Publishes the bank's newest set after any publish of it still running. Never throws. */
  sendLatest(bankId: string): Promise<CredentialSendOutcome> {
    return this.#queue
      .run(bankId, () => this.#send(bankId))
      .catch((err: unknown) => {
        this.#d.log.error({ err, bank: bankId }, 'credential set not published');
        return { status: 'unavailable' } as const;
      });
  }

  /**
   * Publishes every bank's newest set, those the broker has not acknowledged first; resolves
   * with how many went out. A call during a sync makes it run once more when it ends.
   */
  syncAll(): Promise<number> {
    return this.#sync.request();
  }

  /** Publishes nothing more: the app is closing. */
  close(): void {
    this.#closed = true;
  }

  async #syncOnce(): Promise<number> {
    if (!this.#canPublish()) return 0;
    const ids = await bankStore.idsForSync(this.#d.db);
    const outcomes = await Promise.all(ids.map((id) => this.sendLatest(id)));
    return outcomes.filter((o) => o.status === 'published').length;
  }

  async #send(bankId: string): Promise<CredentialSendOutcome> {
    const { db, publisher } = this.#d;
    if (!this.#canPublish()) return { status: 'unavailable' };
    const bank = await bankStore.get(db, bankId);
    if (bank === undefined) return { status: 'none' };
    const active = await reservationStore.activeCredentials(db, bankId);
    const log = this.#d.log.child({ bank: bank.id, version: bank.credentialVersion });
    const payload = CredentialSetPayload.safeParse(
      credentialSetOf(bank, this.#d.hashKeyOf(bank), active),
    );
    if (!payload.success) {
      log.error({ issues: payload.error.issues.map((i) => i.path.join('.')) }, 'invalid set');
      return { status: 'invalid' };
    }
    if (!this.#canPublish()) return { status: 'unavailable' };
    const topic = TOPICS.credentials;
    try {
      await publisher.publish(topic.build({ site: bank.site, device: bank.device }), payload.data, {
        qos: topic.qos,
        retain: topic.retain,
      });
    } catch (err) {
      log.warn({ err }, 'credential set not published; it goes out at the next broker connection');
      return { status: 'unavailable' };
    }
    if (!this.#closed) await bankStore.markPublished(db, bank.id, bank.credentialVersion);
    // Counts only: the set holds the bank's key and code hashes.
    const credentials = payload.data.credentials.length;
    log.info({ credentials }, 'credential set published');
    return { status: 'published', version: bank.credentialVersion, credentials };
  }

  #canPublish(): boolean {
    return !this.#closed && this.#d.publisher.connected;
  }
}
