import { TOPICS } from '@hameau/protocol';
import type { JournalEntry } from '../../src/ingestion/ingest-journal.js';

/** Builds journal entries as the MQTT intake would write them, with increasing ids. */
export class JournalFeed {
  #id = 0;

  constructor(
    readonly site = 'mairie',
    readonly device = 'meters-1',
  ) {}

  telemetry(seq: number, values: Record<string, number | null>, opts: Partial<Opts> = {}) {
    return this.#entry(
      TOPICS.telemetry.build({
        site: opts.site ?? this.site,
        device: opts.device ?? this.device,
        stream: opts.stream ?? 'energy',
      }),
      {
        seq,
        at: new Date(opts.at ?? Date.UTC(2026, 10, 25, 12) + seq * 1000).toISOString(),
        historical: opts.historical ?? false,
        source: opts.source ?? 'sdm630-1',
        values,
      },
    );
  }

  status(state: 'online' | 'offline', session: number, opts: Partial<StatusOpts> = {}) {
    return this.#entry(
      TOPICS.status.build({
        site: opts.site ?? this.site,
        device: opts.device ?? this.device,
      }),
      {
        state,
        session,
        at: new Date(opts.at ?? Date.UTC(2026, 10, 25, 12)).toISOString(),
        kind: opts.kind ?? 'meters',
        ...(opts.reason !== undefined && { reason: opts.reason }),
      },
    );
  }

  event(seq: number, type: string, severity: 'info' | 'warning' | 'alarm' = 'alarm') {
    return this.#entry(TOPICS.event.build({ site: this.site, device: this.device, type }), {
      seq,
      at: new Date(Date.UTC(2026, 10, 25, 12) + seq * 1000).toISOString(),
      historical: false,
      severity,
      data: {},
    });
  }

  /** An event with a subject and data, e.g. a locker or lighting event. */
  eventWith(seq: number, type: string, opts: Partial<EventOpts> = {}) {
    return this.#entry(TOPICS.event.build({ site: this.site, device: this.device, type }), {
      seq,
      at: new Date(opts.at ?? Date.UTC(2026, 10, 25, 12) + seq * 1000).toISOString(),
      historical: opts.historical ?? false,
      severity: opts.severity ?? 'info',
      ...(opts.subject !== undefined && { subject: opts.subject }),
      data: opts.data ?? {},
    });
  }

  raw(topic: string, payload: string | Buffer): JournalEntry {
    return { id: ++this.#id, topic, payload: Buffer.from(payload), receivedAt: 0 };
  }

  #entry(topic: string, payload: unknown): JournalEntry {
    return this.raw(topic, JSON.stringify(payload));
  }
}

interface StatusOpts extends Opts {
  kind: 'locker' | 'meters' | 'lighting';
  reason: 'will' | 'shutdown';
}

interface EventOpts {
  at: number;
  historical: boolean;
  severity: 'info' | 'warning' | 'alarm';
  subject: string;
  data: Record<string, unknown>;
}

interface Opts {
  site: string;
  device: string;
  stream: string;
  source: string;
  at: number;
  historical: boolean;
}
