import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '@hameau/protocol';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxDrain } from './outbox-drain.js';

export interface ResendWatchOptions {
  readonly outbox: Outbox;
  /** What the watch asks of the connection's drain. */
  readonly drain: Pick<OutboxDrain, 'hasSent' | 'replayAgain'>;
  readonly clock: Clock;
  readonly log: Logger;
  /** The first check interval (`outbox.resendAfterSeconds`); doubles while nothing moves. */
  readonly baseMs: number;
}

/** The longest check interval, as a multiple of the first. */
const MAX_BACKOFF = 16;

/**
 * With cloud acknowledgements, a record is sent once per connection, and the cloud may not
 * have been there to take it: a broker without persistence restarts, the agent reconnects
 * and replays before the cloud's session is back, and the replay reaches nobody. So the
 * oldest record is watched: still there, already sent and not in flight at two checks in a
 * row, the backlog is sent again from the start (the cloud drops what it already has). The
 * interval doubles while nothing moves, so a cloud that is down costs a resend every few
 * minutes, not a flood.
 */
export class ResendWatch {
  readonly #o: ResendWatchOptions;
  #timer: TimerHandle | null = null;
  #running = false;
  /** The oldest outbox record (id) seen already sent at the last check. */
  #watched: number | null = null;
  #intervalMs: number;

  constructor(options: ResendWatchOptions) {
    this.#o = options;
    this.#intervalMs = options.baseMs;
  }

  /** A connection is up: watch from scratch. */
  start(): void {
    this.#running = true;
    this.#watched = null;
    this.#intervalMs = this.#o.baseMs;
    this.#schedule();
  }

  /** The connection is gone (or the link stops): no more checks until the next `start`. */
  stop(): void {
    this.#running = false;
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = null;
      if (!this.#running) return;
      this.#check();
      this.#schedule();
    }, this.#intervalMs);
  }

  #check(): void {
    const { outbox, drain, log, baseMs } = this.#o;
    const oldest = outbox.oldest(1)[0];
    if (oldest === undefined || !drain.hasSent(oldest.id)) {
      this.#watched = null;
      this.#intervalMs = baseMs;
      return;
    }
    if (this.#watched !== oldest.id) {
      this.#watched = oldest.id;
      this.#intervalMs = baseMs;
      return;
    }
    log.warn(
      { seq: oldest.seq, depth: outbox.stats().depth },
      'the cloud has not acknowledged records sent on this connection: sending the backlog again',
    );
    this.#intervalMs = Math.min(this.#intervalMs * 2, MAX_BACKOFF * baseMs);
    drain.replayAgain();
  }
}
