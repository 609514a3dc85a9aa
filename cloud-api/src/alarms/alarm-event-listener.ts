import type { Logger } from 'pino';
import { HameauError, type Clock } from '@hameau/protocol';
import type {
  IngestedOf,
  IngestedMessage,
  IngestionListener,
} from '../ingestion/ingested-message.js';
import type { AlarmService } from './alarm-service.js';

const HOUR_MS = 3_600_000;

/** How long a counted event is remembered: far longer than any batch takes to be retried. */
export const EVENT_MARK_RETENTION_MS = 30 * 24 * HOUR_MS;

/**
 * Raises an alarm for every ingested device event of severity `warning` or `alarm` (`info`
 * raises none), at the event's own time, so a historical event replayed from the edge outbox
 * after an outage is dated when it happened. Replays of a batch are counted once: `raise` marks
 * each (site, device, seq, type) it has counted.
 */
export class AlarmEventListener implements IngestionListener {
  readonly name = 'alarms';
  readonly #alarms: AlarmService;
  readonly #clock: Clock;
  readonly #log: Logger;
  #nextPruneAt = 0;

  constructor(deps: {
    readonly alarms: AlarmService;
    readonly clock: Clock;
    readonly log: Logger;
  }) {
    this.#alarms = deps.alarms;
    this.#clock = deps.clock;
    this.#log = deps.log;
  }

  async onBatch(messages: readonly IngestedMessage[]): Promise<void> {
    await this.#pruneWhenDue();
    for (const message of messages) {
      if (message.kind !== 'event' || message.payload.severity === 'info') continue;
      try {
        await this.#raise(message);
      } catch (err) {
        // A database error is transient: thrown, so ingestion retries the batch. An event
        // that can never make a valid alarm is logged and skipped instead of blocking it.
        if (!(err instanceof HameauError && err.code === 'VALIDATION_FAILED')) throw err;
        const { site, device, type } = message;
        this.#log.error(
          { site, device, type, seq: message.payload.seq, err },
          'event cannot raise an alarm: skipped',
        );
      }
    }
  }

  async #raise(m: IngestedOf<'event'>): Promise<void> {
    const { site, device, type, payload } = m;
    const severity = payload.severity === 'alarm' ? 'alarm' : 'warning';
    const about = payload.subject === undefined ? '' : `, ${payload.subject}`;
    await this.#alarms.raise({
      site,
      device,
      type,
      subject: payload.subject,
      severity,
      message: `${type} on ${site}/${device}${about}`,
      details: {
        seq: payload.seq,
        historical: payload.historical,
        receivedAt: new Date(m.receivedAt).toISOString(),
        data: payload.data,
      },
      at: Date.parse(payload.at),
      seq: payload.seq,
    });
  }

  /** Forgets old marks at most once an hour, on the back of a batch. */
  async #pruneWhenDue(): Promise<void> {
    const now = this.#clock.now();
    if (now < this.#nextPruneAt) return;
    this.#nextPruneAt = now + HOUR_MS;
    try {
      const pruned = await this.#alarms.pruneEventMarks(now - EVENT_MARK_RETENTION_MS);
      if (pruned > 0) this.#log.debug({ pruned }, 'alarm event marks pruned');
    } catch (err) {
      // Housekeeping: the table grows a little until the next try, nothing is lost.
      this.#log.warn({ err }, 'alarm event marks: pruning failed');
    }
  }
}
