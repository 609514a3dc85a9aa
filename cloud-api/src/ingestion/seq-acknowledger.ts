import type { Logger } from 'pino';
import {
  MAX_INGESTED_RANGES,
  TOPICS,
  type Clock,
  type IngestedPayload,
  type TimerHandle,
} from '@hameau/protocol';
import type { CloudPublisher } from '../mqtt/cloud-publisher.js';
import type { MessageOrigin } from './ingested-message.js';
import type { DeviceCursor } from './seq-ledger.js';

/** The ledger as the acknowledger reads it. */
export interface AckLedger {
  peek(origin: MessageOrigin): DeviceCursor | undefined;
  cached(): Iterable<[MessageOrigin, DeviceCursor]>;
}

export interface SeqAcknowledgerDeps {
  readonly ledger: AckLedger;
  readonly publisher: Pick<CloudPublisher, 'connected' | 'publish'>;
  readonly clock: Clock;
  readonly log: Logger;
  /** At most one message per device per this many milliseconds. */
  readonly intervalMs: number;
}

/** Where one device's acknowledgements stand. */
interface AckState {
  /** What the broker last accepted for this device (ranges and session), to skip repeats. */
  published: string | null;
  /** When the last publish started, for the interval. */
  lastAt: number;
  timer: TimerHandle | null;
  inFlight: boolean;
  /** Asked again while a publish was in flight: send the latest once it settles. */
  again: boolean;
}

/**
 * Tells each device which of its seqs the cloud has stored, on its retained `ingested` topic,
 * so its outbox deletes them (the broker's PUBACK only means "sent"). The ranges are read from
 * the ledger when the message goes out, so a message always carries the latest; messages are
 * coalesced to one per device per interval. Publishing never holds up ingestion: a failure is
 * logged, and the device's next batch or the next connect sends the ranges again.
 */
export class SeqAcknowledger {
  readonly #d: SeqAcknowledgerDeps;
  readonly #devices = new Map<string, AckState>();
  #stopped = false;

  constructor(deps: SeqAcknowledgerDeps) {
    this.#d = deps;
  }

  /**
   * After a batch is saved: these devices sent seqs. New seqs changed their ranges; seqs already
   * stored mean the device replays what it should have deleted, so it is told again even when
   * the ranges are the ones last published (a broker that died may have lost the retained one).
   */
  acknowledge(origins: Iterable<MessageOrigin>): void {
    for (const origin of origins) this.#request(origin, true);
  }

  /**
   * At every (re)connect: every cached device whose ranges changed since the broker last
   * accepted its acknowledgement (a publish that failed, or a batch done while disconnected).
   */
  republish(): void {
    for (const [origin] of this.#d.ledger.cached()) this.#request(origin, false);
  }

  /** Cancels what is scheduled; later requests are ignored. */
  stop(): void {
    this.#stopped = true;
    for (const state of this.#devices.values()) {
      if (state.timer !== null) this.#d.clock.clearTimeout(state.timer);
      state.timer = null;
    }
  }

  #request(origin: MessageOrigin, evenIfUnchanged: boolean): void {
    if (this.#stopped) return;
    const key = `${origin.site}/${origin.device}`;
    let state = this.#devices.get(key);
    if (state === undefined) {
      state = { published: null, lastAt: -Infinity, timer: null, inFlight: false, again: false };
      this.#devices.set(key, state);
    }
    if (!evenIfUnchanged && this.#payloadOf(origin)?.key === state.published) return;
    if (state.inFlight) {
      state.again = true;
      return;
    }
    if (state.timer !== null) return;
    const wait = state.lastAt + this.#d.intervalMs - this.#d.clock.now();
    if (wait <= 0) {
      this.#publish(origin, state);
      return;
    }
    const scheduled = state;
    state.timer = this.#d.clock.setTimeout(() => {
      scheduled.timer = null;
      this.#publish(origin, scheduled);
    }, wait);
  }

  #publish(origin: MessageOrigin, state: AckState): void {
    const { publisher, log } = this.#d;
    const message = this.#payloadOf(origin);
    // Not cached (a failed batch emptied the cache) or not connected: the device's next
    // batch, or the connect, asks again.
    if (this.#stopped || message === undefined || !publisher.connected) return;
    state.inFlight = true;
    state.lastAt = this.#d.clock.now();
    const row = TOPICS.ingested;
    void publisher
      .publish(row.build(origin), message.payload, { qos: row.qos, retain: row.retain })
      .then(
        () => {
          state.published = message.key;
        },
        (err: unknown) => {
          log.warn(
            { site: origin.site, device: origin.device, err },
            'could not publish ingested seqs; sent again with the next batch or connect',
          );
        },
      )
      .finally(() => {
        state.inFlight = false;
        if (state.again) {
          state.again = false;
          this.#request(origin, true);
        }
      });
  }

  /** The message for a cached device, and a key that tells whether it changed. */
  #payloadOf(origin: MessageOrigin): { payload: IngestedPayload; key: string } | undefined {
    const cursor = this.#d.ledger.peek(origin);
    if (cursor === undefined) return undefined;
    const session = Math.max(0, cursor.session);
    const seen = cursor.seen.newest(MAX_INGESTED_RANGES);
    return {
      payload: { at: new Date(this.#d.clock.now()).toISOString(), session, seen },
      key: JSON.stringify([session, seen]),
    };
  }
}
