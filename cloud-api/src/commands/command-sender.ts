import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { CommandPayload, TOPICS, type Clock } from '@hameau/protocol';
import type { MessageOrigin } from '../ingestion/ingested-message.js';
import type { CloudPublisher } from '../mqtt/cloud-publisher.js';
import type { Schema } from '../storage/schema.js';
import type { CommandRecord } from './command-record.js';
import { commandStore } from './command-store.js';

export interface CommandSenderDeps {
  readonly db: Kysely<Schema>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly publisher: CloudPublisher;
}

/**
 * Publishes commands to their devices while they are unanswered and unexpired: once at
 * creation, then again at every broker (re)connection (`queued` ones) and at every birth of the
 * device (`queued` and `sent` ones). Re-sending is always safe, the device runs an id at most
 * once; sending after the expiry never is, so the expiry is checked right before each publish.
 */
export class CommandSender {
  readonly #d: CommandSenderDeps;
  #closed = false;

  constructor(deps: CommandSenderDeps) {
    this.#d = deps;
  }

  /** Publishes every `queued`, unexpired command; for a (re)connection to the broker. */
  async sendQueued(): Promise<number> {
    return this.#sendAll(await commandStore.queued(this.#d.db, this.#d.clock.now()));
  }

  /**
   * Publishes again a device's unanswered, unexpired commands; for its birth. The broker keeps
   * them in the device's persistent session, unless it restarted without persistence: the device
   * deduplicates on id, so sending twice is safe where not sending is not.
   */
  async resendUndelivered(origin: MessageOrigin): Promise<number> {
    const key = { site: origin.site, device: origin.device };
    return this.#sendAll(await commandStore.undelivered(this.#d.db, key, this.#d.clock.now()));
  }

  /**
   * Publishes one command if the API is connected and the command has not expired; true when
   * the broker acknowledged it (the command is then `sent`). A failure is counted and logged,
   * never thrown: the command stays as it was and goes out at the next reconnect or birth.
   */
  async send(command: CommandRecord): Promise<boolean> {
    const { publisher, clock, db } = this.#d;
    const log = this.#d.log.child({
      site: command.site,
      device: command.device,
      id: command.id,
      command: command.name,
    });
    if (!this.#isOpen() || !publisher.connected || command.expiresAt <= clock.now()) return false;
    const payload = CommandPayload.safeParse({
      id: command.id,
      issuedAt: new Date(command.issuedAt).toISOString(),
      expiresAt: new Date(command.expiresAt).toISOString(),
      issuedBy: command.issuedBy,
      args: command.args,
    });
    if (!payload.success) {
      log.error({ issues: payload.error.issues.map((i) => i.path.join('.')) }, 'invalid command');
      return false;
    }
    const { site, device, name } = command;
    try {
      await publisher.publish(TOPICS.command.build({ site, device, name }), payload.data, {
        qos: TOPICS.command.qos,
        retain: TOPICS.command.retain,
      });
    } catch (err) {
      log.warn({ err }, 'command not published; it stays as it is and goes out later');
      if (this.#isOpen()) await commandStore.countAttempt(db, command.id);
      return false;
    }
    // The app may have closed while the broker was answering, and its database with it.
    if (!this.#isOpen()) return true;
    await commandStore.markSent(db, command.id, clock.now());
    log.info({ attempt: command.attempts + 1 }, 'command sent');
    return true;
  }

  /** Publishes nothing more and stops writing publish outcomes: the app is closing. */
  close(): void {
    this.#closed = true;
  }

  async #sendAll(commands: readonly CommandRecord[]): Promise<number> {
    // Started in order (send publishes before its first await), awaited together: MQTT keeps
    // the order and the PUBACKs overlap.
    const sent = await Promise.all(commands.map((c) => this.send(c)));
    return sent.filter(Boolean).length;
  }

  // A method, not the field: the app may close while a publish is awaited.
  #isOpen(): boolean {
    return !this.#closed;
  }
}
