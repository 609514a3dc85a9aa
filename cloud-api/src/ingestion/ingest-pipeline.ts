import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock, ErrorCode } from '@hameau/protocol';
import type { Schema } from '../storage/schema.js';
import { pointProblems, type Point } from '../timeseries/point.js';
import { telemetryToPoint } from '../timeseries/telemetry-point.js';
import type { TimeSeriesStore } from '../timeseries/time-series-store.js';
import { decodeDeviceMessage, type RejectedMessage } from './decode-device-message.js';
import type { IngestedMessage, IngestedOf, MessageOrigin } from './ingested-message.js';
import type { IngestionHub } from './ingestion-hub.js';
import type { JournalEntry } from './ingest-journal.js';
import { LogThrottle } from './log-throttle.js';
import { eventToPoint } from './points/event-point.js';
import { lockerBoardPoints } from './points/locker-board-point.js';
import { statusChangePoints } from './points/status-changes.js';
import { SeqLedger } from './seq-ledger.js';

/** Running totals since start, for /healthz, metrics and the benchmark. */
export interface IngestCounters {
  /** Messages taken from the journal. */
  processed: number;
  /** Refused messages by code (bad topic, bad JSON, bad field). */
  invalid: Partial<Record<ErrorCode, number>>;
  /** Replays of a (device, seq) already ingested. */
  duplicates: number;
  /** Points written to the time-series store: readings, and those derived from events and status. */
  points: number;
  /** Devices whose agent started counting from 1 again (its database was lost). */
  deviceResets: number;
  batches: number;
}

/** What one batch did. */
export interface BatchOutcome {
  readonly accepted: readonly IngestedMessage[];
  readonly rejected: readonly RejectedMessage[];
  readonly duplicates: number;
  readonly points: number;
  /**
   * Devices that sent seqs in this batch, new or already stored: each should be told (again)
   * which seqs the cloud holds, since a device that replays what is stored never got the word.
   */
  readonly seqsFrom: readonly MessageOrigin[];
}

export interface IngestPipelineDeps {
  readonly db: Kysely<Schema>;
  readonly store: TimeSeriesStore;
  readonly hub: IngestionHub;
  readonly clock: Clock;
  readonly log: Logger;
}

const hasSeq = (
  m: IngestedMessage,
): m is IngestedOf<'telemetry'> | IngestedOf<'event'> | IngestedOf<'commandResult'> =>
  m.kind === 'telemetry' || m.kind === 'event' || m.kind === 'commandResult';

/**
 * Turns a batch of raw journal entries into stored data: decode and validate each message,
 * drop replays already ingested (by device and seq), write the points in one call (telemetry;
 * locker and lighting events; births and wills that changed a device's state), hand everything
 * new to the domains, then record the seqs as ingested. The order makes a crash at any point
 * harmless: the batch is done again, the store overwrites the same points, and the listeners
 * are idempotent.
 */
export class IngestPipeline {
  readonly counters: IngestCounters = {
    processed: 0,
    invalid: {},
    duplicates: 0,
    points: 0,
    deviceResets: 0,
    batches: 0,
  };
  readonly #d: IngestPipelineDeps;
  readonly #ledger: SeqLedger;
  /** Ten invalid-message lines per device and minute; the rest are counted. */
  readonly #invalidLog = new LogThrottle({ perWindow: 10, windowMs: 60_000 });
  /** The same for events stored without their series point. */
  readonly #unchartedLog = new LogThrottle({ perWindow: 10, windowMs: 60_000 });

  constructor(deps: IngestPipelineDeps) {
    this.#d = deps;
    this.#ledger = new SeqLedger(deps.db);
  }

  /** The ledger, for status views (highest seq and gaps per device). */
  get ledger(): SeqLedger {
    return this.#ledger;
  }

  /** Processes one batch. Rejects (and changes nothing durable) when storing fails. */
  async process(entries: readonly JournalEntry[]): Promise<BatchOutcome> {
    const rejected: RejectedMessage[] = [];
    const decoded: IngestedMessage[] = [];
    for (const entry of entries) {
      const result = decodeDeviceMessage(entry.topic, entry.payload, entry.receivedAt);
      if (result.ok) decoded.push(result.message);
      else rejected.push(result.rejected);
    }
    try {
      await this.#ledger.load(decoded);
      let duplicates = 0;
      const accepted: IngestedMessage[] = [];
      const points: Point[] = [];
      const seqsFrom = new Map<string, MessageOrigin>();
      for (const message of decoded) {
        if (message.kind === 'status') this.#noteSession(message);
        if (hasSeq(message)) {
          seqsFrom.set(`${message.site}/${message.device}`, {
            site: message.site,
            device: message.device,
          });
          if (!this.#markSeen(message)) {
            duplicates++;
            continue;
          }
        }
        if (message.kind === 'telemetry') {
          const point = this.#pointOf(message, rejected);
          if (point === null) continue;
          points.push(point, ...lockerBoardPoints(message));
        } else if (message.kind === 'event') {
          const point = this.#eventPointOf(message);
          if (point !== null) points.push(point);
        }
        accepted.push(message);
      }
      // After the loop: a status point depends on the births and wills before it in the batch.
      points.push(...(await statusChangePoints(this.#d.db, accepted)));
      if (points.length > 0) await this.#d.store.write(points);
      await this.#d.hub.dispatch(accepted);
      await this.#ledger.save(this.#d.clock.now());
      this.#count(entries.length, rejected, duplicates, points.length);
      return {
        accepted,
        rejected,
        duplicates,
        points: points.length,
        seqsFrom: [...seqsFrom.values()],
      };
    } catch (err) {
      // The cached cursors may hold seqs of this batch; the retry must not skip them.
      this.#ledger.invalidate();
      throw err;
    }
  }

  /** False when this (device, seq) was ingested before. */
  #markSeen(message: { site: string; device: string; payload: { seq: number } }): boolean {
    const cursor = this.#ledger.cursor(message);
    if (!cursor.seen.add(message.payload.seq)) return false;
    cursor.dirty = true;
    return true;
  }

  /**
   * Sessions only grow on a device: each connect increments a counter in its database. A birth
   * with a lower session means the agent lost that database, so its seqs restart at 1 too and
   * the old ledger would drop everything it sends as replays.
   */
  #noteSession(message: IngestedOf<'status'>): void {
    const cursor = this.#ledger.cursor(message);
    const { session, state } = message.payload;
    if (state === 'online' && cursor.session > 0 && session < cursor.session) {
      this.#d.log.warn(
        { site: message.site, device: message.device, session, known: cursor.session },
        'device session went backwards: its agent lost its database; seq ledger reset',
      );
      this.#ledger.reset(message, session);
      this.counters.deviceResets++;
    } else if (session > cursor.session) {
      cursor.session = session;
      cursor.dirty = true;
    }
  }

  #pointOf(message: IngestedOf<'telemetry'>, rejected: RejectedMessage[]): Point | null {
    const topic = `${message.site}/${message.device}/telemetry/${message.stream}`;
    try {
      const point = telemetryToPoint(message, message.payload);
      const problems = pointProblems(point);
      if (problems.length === 0) return point;
      rejected.push({
        code: 'TSDB_POINT_INVALID',
        reason: problems.join('; '),
        site: message.site,
        device: message.device,
        topic,
      });
    } catch (err) {
      rejected.push({
        code: 'TSDB_POINT_INVALID',
        reason: err instanceof Error ? err.message : String(err),
        site: message.site,
        device: message.device,
        topic,
      });
    }
    return null;
  }

  /**
   * An event's series point, when its type has one. A point the store would refuse (a tag value
   * it cannot carry) is logged and left out: the event itself is valid and still goes to the
   * domains, so it is not rejected as a telemetry message with such a point would be.
   */
  #eventPointOf(message: IngestedOf<'event'>): Point | null {
    const point = eventToPoint(message);
    if (point === null) return null;
    const problems = pointProblems(point);
    if (problems.length === 0) return point;
    const { log, held } = this.#unchartedLog.take(
      `${message.site}/${message.device}`,
      this.#d.clock.now(),
    );
    if (log) {
      this.#d.log.warn(
        {
          site: message.site,
          device: message.device,
          type: message.type,
          seq: message.payload.seq,
          problems,
          ...(held > 0 && { heldBackBefore: held }),
        },
        'event kept but not written as a series point',
      );
    }
    return null;
  }

  #count(processed: number, rejected: RejectedMessage[], duplicates: number, points: number) {
    const c = this.counters;
    c.processed += processed;
    c.duplicates += duplicates;
    c.points += points;
    c.batches++;
    const now = this.#d.clock.now();
    for (const r of rejected) {
      c.invalid[r.code] = (c.invalid[r.code] ?? 0) + 1;
      const { log, held } = this.#invalidLog.take(`${r.site ?? '?'}/${r.device ?? '?'}`, now);
      if (!log) continue;
      this.#d.log.warn(
        {
          site: r.site,
          device: r.device,
          topic: r.topic,
          code: r.code,
          reason: r.reason,
          ...(held > 0 && { heldBackBefore: held }),
        },
        'invalid device message dropped',
      );
    }
  }
}
