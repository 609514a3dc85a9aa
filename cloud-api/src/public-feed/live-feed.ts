import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '@hameau/protocol';
import type { IngestedMessage } from '../ingestion/ingested-message.js';
import { isoTime } from '../http/common-schemas.js';
import type { PublicFeedSettings } from './public-feed-settings.js';
import type { SectionRegistry } from './section-registry.js';
import { SSE_HEARTBEAT, sseEvent, sseRetry } from './sse-format.js';
import { SseStream } from './sse-stream.js';

/** What the payload carries besides the sections (see `feedPayloadSchema`). */
export interface FeedPayload {
  readonly id: string;
  readonly at: string;
  readonly timeZone: string;
  readonly ingestedAt: string | null;
  readonly sections: Readonly<Record<string, unknown>>;
}

/** Counters for the benchmark and the logs. */
export interface FeedStats {
  readonly streams: number;
  /** The current version's id. */
  readonly id: string;
  /** Update events sent (each once, to every stream open then). */
  readonly updates: number;
  /** Computations of the sections (one per update, and one per refresh). */
  readonly computations: number;
  /** How long the last computation took, ms (wall time, for the benchmark). */
  readonly lastComputeMs: number | null;
  /** Streams closed because their viewer fell too far behind. */
  readonly slowClosed: number;
  /** Streams refused because the feed was full. */
  readonly refused: number;
}

export interface LiveFeedDeps {
  readonly registry: SectionRegistry;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: PublicFeedSettings;
  /** The town's time zone, for the page's dates. */
  readonly timeZone: string;
  /** 0 ≤ x < 1, for the reconnection jitter; `Math.random` by default. */
  readonly random?: () => number;
}

/**
 * The public live feed: the sections computed once per update for every viewer, serialized
 * once, and written to every open event stream.
 *
 * Ingested batches mark the sections they trigger as stale; while viewers are connected, stale
 * sections are recomputed at most every `minIntervalMs` (a throttle: steady ingestion cannot
 * starve the viewers), and an `update` event carries the sections whose JSON changed. With no
 * viewer nothing runs in the background: a snapshot request recomputes what went stale. Each
 * version has an id `<epoch>-<n>`; the epoch changes with every start of the API, so a client
 * reconnecting with the current id (`Last-Event-ID`) is up to date, and any other gets a snapshot.
 */
export class LiveFeed {
  readonly #d: LiveFeedDeps;
  readonly #epoch: string;
  readonly #values = new Map<string, unknown>();
  readonly #json = new Map<string, string>();
  readonly #computedAt = new Map<string, number>();
  readonly #stale = new Set<string>();
  readonly #streams = new Set<SseStream>();
  #version = 0;
  #at = 0;
  #ingestedAt: number | null = null;
  /** The oldest ingestion time among the messages that made sections stale since the last run. */
  #pendingSince: number | null = null;
  #lastRunAt = -Infinity;
  #first: Promise<void> | null = null;
  #running: Promise<void> | null = null;
  #timer: TimerHandle | null = null;
  #tick: TimerHandle | null = null;
  #snapshot: { version: number; json: string; event: Buffer } | null = null;
  #closed = false;
  #updates = 0;
  #computations = 0;
  #lastComputeMs: number | null = null;
  #slowClosed = 0;
  #refused = 0;

  constructor(deps: LiveFeedDeps) {
    this.#d = deps;
    this.#epoch = `${deps.clock.now().toString(36)}${randomBytes(3).toString('hex')}`;
  }

  /** The current version's id. */
  get id(): string {
    return `${this.#epoch}-${this.#version}`;
  }

  /** Whether one more stream would be refused. */
  get full(): boolean {
    return this.#streams.size >= this.#d.settings.maxStreams;
  }

  stats(): FeedStats {
    return {
      streams: this.#streams.size,
      id: this.id,
      updates: this.#updates,
      computations: this.#computations,
      lastComputeMs: this.#lastComputeMs,
      slowClosed: this.#slowClosed,
      refused: this.#refused,
    };
  }

  /** Counts a stream refused because the feed is full. */
  noteRefused(): void {
    this.#refused++;
  }

  /** The ingestion listener's half: marks the sections the batch may change as stale. */
  noteIngested(messages: readonly IngestedMessage[]): void {
    const all = this.#d.registry.keys.length;
    for (const m of messages) {
      if (this.#stale.size === all && this.#pendingSince !== null) break;
      const keys = this.#d.registry.triggered(m);
      if (keys.length === 0) continue;
      for (const key of keys) this.#stale.add(key);
      this.#pendingSince = Math.min(this.#pendingSince ?? Infinity, m.receivedAt);
    }
    if (this.#stale.size > 0 && this.#streams.size > 0) this.#schedule();
  }

  /**
   * The current payload as JSON, fresh: the first call computes every section; without open
   * streams (nothing keeps the sections fresh then), stale and aged sections are recomputed.
   */
  async snapshotJson(): Promise<string> {
    await this.#current();
    return this.#snapshotOf().json;
  }

  /**
   * Opens a viewer's stream on `res` (the route checked `full`, and awaited `prepare`): the
   * reconnection delay, then a snapshot unless `lastEventId` is the current version.
   */
  open(res: ServerResponse, lastEventId: string | undefined): SseStream {
    const { settings, random = Math.random } = this.#d;
    const stream = new SseStream(res, {
      maxBufferedBytes: settings.maxBufferedBytes,
      onClose: (s) => {
        this.#remove(s);
      },
    });
    // Jitter: after a restart of the API, viewers come back spread over a second delay.
    stream.send(sseRetry(settings.retryMs * (1 + random())));
    if (lastEventId !== this.id) stream.send(this.#snapshotOf().event);
    this.#streams.add(stream);
    if (this.#streams.size === 1) this.#startTicking();
    return stream;
  }

  /** Everything a new stream needs before `open`: the first computation, a fresh state. */
  async prepare(): Promise<void> {
    await this.#current();
  }

  /** Ends every stream and stops every timer; streams opened after are refused by the route. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) this.#d.clock.clearTimeout(this.#timer);
    if (this.#tick !== null) this.#d.clock.clearTimeout(this.#tick);
    this.#timer = null;
    this.#tick = null;
    for (const stream of [...this.#streams]) stream.end();
    this.#streams.clear();
  }

  get closed(): boolean {
    return this.#closed;
  }

  async #current(): Promise<void> {
    this.#first ??= this.#run(this.#d.registry.keys, null);
    await this.#first;
    if (this.#streams.size > 0) return;
    if (this.#running !== null) await this.#running;
    for (const key of this.#due()) this.#stale.add(key);
    // Throttled like the streams' updates: a burst of requests shares one computation.
    const throttled = this.#d.clock.now() < this.#lastRunAt + this.#d.settings.minIntervalMs;
    if (this.#stale.size > 0 && !throttled) await this.#flush();
  }

  #remove(stream: SseStream): void {
    this.#streams.delete(stream);
    if (this.#streams.size === 0 && this.#tick !== null) {
      this.#d.clock.clearTimeout(this.#tick);
      this.#tick = null;
    }
  }

  /** Heartbeats, and the sections' periodic refresh, while streams are open. */
  #startTicking(): void {
    const tick = () => {
      this.#tick = this.#d.clock.setTimeout(tick, this.#d.settings.heartbeatMs);
      for (const stream of this.#streams) stream.send(SSE_HEARTBEAT);
      for (const key of this.#due()) this.#stale.add(key);
      if (this.#stale.size > 0) this.#schedule();
    };
    this.#tick = this.#d.clock.setTimeout(tick, this.#d.settings.heartbeatMs);
    // A stream opened on a state that went stale while nobody watched.
    for (const key of this.#due()) this.#stale.add(key);
    if (this.#stale.size > 0) this.#schedule();
  }

  #due(): string[] {
    const now = this.#d.clock.now();
    return this.#d.registry.sections
      .filter((s) => now - (this.#computedAt.get(s.key) ?? -Infinity) >= s.refreshMs)
      .map((s) => s.key);
  }

  /** A run at the next slot the throttle allows, unless one is waiting or running. */
  #schedule(): void {
    if (this.#closed || this.#timer !== null || this.#running !== null) return;
    const delay = Math.max(
      0,
      this.#lastRunAt + this.#d.settings.minIntervalMs - this.#d.clock.now(),
    );
    this.#timer = this.#d.clock.setTimeout(() => {
      this.#timer = null;
      void this.#flush();
    }, delay);
  }

  #flush(): Promise<void> {
    if (this.#running !== null) return this.#running;
    const keys = [...this.#stale];
    const since = this.#pendingSince;
    this.#stale.clear();
    this.#pendingSince = null;
    return this.#run(keys, since);
  }

  #run(keys: readonly string[], ingestedAt: number | null): Promise<void> {
    const now = this.#d.clock.now();
    this.#lastRunAt = now;
    const run = this.#compute(keys, now, ingestedAt).finally(() => {
      this.#running = null;
      if (this.#stale.size > 0 && this.#streams.size > 0) this.#schedule();
    });
    this.#running = run;
    return run;
  }

  async #compute(keys: readonly string[], now: number, ingestedAt: number | null): Promise<void> {
    const started = performance.now();
    const { registry, log } = this.#d;
    const results = await Promise.all(
      keys.map(async (key) => {
        try {
          return { key, value: await registry.compute(key, now) };
        } catch (err) {
          // The viewers keep the last good value; the next trigger or refresh tries again.
          log.error({ err, section: key }, 'public feed section failed to compute');
          return { key, failed: true as const };
        }
      }),
    );
    this.#computations++;
    this.#lastComputeMs = performance.now() - started;
    if (this.#closed) return;
    const changed: Record<string, unknown> = {};
    for (const r of results) {
      this.#computedAt.set(r.key, now);
      if ('failed' in r) {
        if (!this.#values.has(r.key)) this.#values.set(r.key, null);
        continue;
      }
      const json = JSON.stringify(r.value);
      if (json === this.#json.get(r.key)) continue;
      this.#json.set(r.key, json);
      this.#values.set(r.key, r.value);
      changed[r.key] = r.value;
    }
    if (Object.keys(changed).length === 0) return;
    this.#version++;
    this.#at = now;
    this.#ingestedAt = ingestedAt;
    this.#snapshot = null;
    if (this.#streams.size === 0) return;
    const event = sseEvent({ id: this.id, event: 'update', data: this.#payload(changed) });
    this.#updates++;
    for (const stream of this.#streams) {
      if (!stream.send(event) && stream.slow) this.#slowClosed++;
    }
  }

  #payload(sections: Record<string, unknown>): string {
    const payload: FeedPayload = {
      id: this.id,
      at: isoTime(this.#at),
      timeZone: this.#d.timeZone,
      ingestedAt: this.#ingestedAt === null ? null : isoTime(this.#ingestedAt),
      sections,
    };
    return JSON.stringify(payload);
  }

  /** The full payload of the current version, serialized once for every viewer and request. */
  #snapshotOf(): { json: string; event: Buffer } {
    if (this.#snapshot?.version !== this.#version) {
      const sections = Object.fromEntries(
        this.#d.registry.keys.map((key) => [key, this.#values.get(key) ?? null]),
      );
      const json = this.#payload(sections);
      this.#snapshot = {
        version: this.#version,
        json,
        event: sseEvent({ id: this.id, event: 'snapshot', data: json }),
      };
    }
    return this.#snapshot;
  }
}
