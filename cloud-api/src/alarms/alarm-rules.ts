import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { every, type Clock } from '@hameau/protocol';
import type { Schema } from '../storage/schema.js';
import { SYSTEM_ACTOR } from './alarm.js';
import type { AlarmService } from './alarm-service.js';
import type { AlarmSettings } from './alarm-settings.js';
import { alarmStore } from './alarm-store.js';

/** How often the rules look at device status. */
export const RULE_INTERVAL_MS = 60_000;

/** The alarm types the cloud's own rules raise (snake_case: no event type can take them). */
export const RULE_TYPES = { deviceOffline: 'device_offline', outboxBacklog: 'outbox_backlog' };

const MINUTE_MS = 60_000;

/**
 * The cloud's alarm rules over `device_status`: `device_offline` when a device has been offline
 * for longer than `offlineAfterMinutes`, `outbox_backlog` when an online device reports an
 * oldest outbox message older than `backlogAfterMinutes`. Each resolves itself (`system`) once
 * its condition clears. A device without a status row never connected and raises nothing.
 *
 * One alarm per episode: once a rule has raised for the current outage or backlog it does not
 * raise again, even after a person resolved the alarm; the next episode raises a new one.
 */
export class AlarmRules {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #alarms: AlarmService;
  readonly #settings: AlarmSettings;
  #stopTimer: (() => void) | null = null;
  #running: Promise<void> | null = null;
  /** Counts triggers, so the loop knows whether one came in while it evaluated. */
  #triggers = 0;

  constructor(deps: {
    readonly db: Kysely<Schema>;
    readonly clock: Clock;
    readonly log: Logger;
    readonly alarms: AlarmService;
    readonly settings: AlarmSettings;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#alarms = deps.alarms;
    this.#settings = deps.settings;
  }

  /** Evaluates the rules now and then every minute on the clock. */
  start(): void {
    if (this.#stopTimer !== null) return;
    this.#stopTimer = every(this.#clock, RULE_INTERVAL_MS, () => {
      this.#trigger();
    });
    this.#trigger();
  }

  /** Stops the schedule and waits for an evaluation in progress. */
  async stop(): Promise<void> {
    this.#stopTimer?.();
    this.#stopTimer = null;
    await this.idle();
  }

  /** Evaluates the rules now (after the evaluation in progress, if any). Never rejects. */
  run(): Promise<void> {
    this.#trigger();
    return this.idle();
  }

  /** Resolves once no evaluation is in progress or due. */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  /** One evaluation at the clock's current time. Rejects on a database error. */
  async evaluate(): Promise<void> {
    const now = this.#clock.now();
    await this.#deviceOffline(now);
    await this.#outboxBacklog(now);
  }

  /**
   * Evaluations never overlap: the ticks that come while one runs make one more evaluation
   * follow, at the then current time, so a slow database does not pile evaluations up.
   */
  #trigger(): void {
    this.#triggers++;
    this.#running ??= this.#loop();
  }

  async #loop(): Promise<void> {
    try {
      for (let done = 0; done !== this.#triggers;) {
        done = this.#triggers;
        try {
          await this.evaluate();
        } catch (err) {
          this.#log.error({ err }, 'alarm rules failed; next try at the next tick');
        }
      }
    } finally {
      this.#running = null;
    }
  }

  async #deviceOffline(now: number): Promise<void> {
    const type = RULE_TYPES.deviceOffline;
    const after = this.#settings.offlineAfterMinutes;
    const offline = await this.#db
      .selectFrom('device_status')
      .select(['site_id', 'device_id', 'last_seen', 'updated_at'])
      .where('online', '=', 0)
      .where('updated_at', '<', now - after * MINUTE_MS)
      .execute();
    for (const s of offline) {
      // The row was last written by the will that took the device offline.
      const since = s.updated_at;
      await this.#raiseOncePerEpisode(since, {
        site: s.site_id,
        device: s.device_id,
        type,
        severity: 'alarm',
        message: `${s.site_id}/${s.device_id} offline for more than ${after} min`,
        details: {
          offlineSince: new Date(since).toISOString(),
          lastSeenAt: new Date(s.last_seen).toISOString(),
          afterMinutes: after,
        },
        at: now,
      });
    }
    for (const a of await this.#activeWithStatus(type)) {
      if (a.online === 0) continue;
      const why = a.online === null ? 'device removed' : 'device back online';
      await this.#alarms.resolveActive({ site: a.site, device: a.device, type }, SYSTEM_ACTOR, why);
    }
  }

  async #outboxBacklog(now: number): Promise<void> {
    const type = RULE_TYPES.outboxBacklog;
    const after = this.#settings.backlogAfterMinutes;
    const backlogged = await this.#db
      .selectFrom('device_status')
      .select(['site_id', 'device_id', 'outbox_depth', 'outbox_oldest_age_ms', 'updated_at'])
      .where('online', '=', 1)
      .where('outbox_oldest_age_ms', '>', after * MINUTE_MS)
      .execute();
    for (const s of backlogged) {
      const age = s.outbox_oldest_age_ms ?? 0;
      const depth = s.outbox_depth === null ? '' : `, ${s.outbox_depth} queued`;
      // When the oldest message still waiting entered the outbox: the backlog's start.
      await this.#raiseOncePerEpisode(s.updated_at - age, {
        site: s.site_id,
        device: s.device_id,
        type,
        severity: 'warning',
        message:
          `${s.site_id}/${s.device_id} outbox not draining: oldest message ` +
          `${Math.round(age / MINUTE_MS)} min old${depth}`,
        details: { oldestAgeMs: age, depth: s.outbox_depth, afterMinutes: after },
        at: now,
      });
    }
    for (const a of await this.#activeWithStatus(type)) {
      // An offline device keeps its backlog alarm: the backlog is unknown, not drained.
      if (a.online === 0) continue;
      if (a.online !== null && a.oldestAgeMs !== null && a.oldestAgeMs > after * MINUTE_MS) {
        continue;
      }
      const why = a.online === null ? 'device removed' : 'outbox drained';
      await this.#alarms.resolveActive({ site: a.site, device: a.device, type }, SYSTEM_ACTOR, why);
    }
  }

  /** Raises unless this rule already raised for the episode that started at `since`. */
  async #raiseOncePerEpisode(
    since: number,
    occurrence: {
      site: string;
      device: string;
      type: string;
      severity: 'warning' | 'alarm';
      message: string;
      details: Record<string, unknown>;
      at: number;
    },
  ): Promise<void> {
    const key = { ...occurrence, subject: '' };
    const latest = await alarmStore.findLatest(this.#db, key, 'rule');
    if (latest !== undefined && latest.state !== 'resolved') return;
    if (latest !== undefined && latest.firstRaisedAt >= since) return;
    await this.#alarms.raise({ ...occurrence, source: 'rule' });
  }

  /** The active alarms a rule raised, with the status of their device (null: no status row). */
  async #activeWithStatus(type: string) {
    const rows = await this.#db
      .selectFrom('alarms as a')
      .leftJoin('device_status as s', (j) =>
        j.onRef('s.site_id', '=', 'a.site_id').onRef('s.device_id', '=', 'a.device_id'),
      )
      .select(['a.site_id', 'a.device_id', 's.online', 's.outbox_oldest_age_ms'])
      .where('a.type', '=', type)
      .where('a.source', '=', 'rule')
      .where('a.state', '<>', 'resolved')
      .execute();
    return rows.map((r) => ({
      site: r.site_id,
      device: r.device_id,
      online: r.online,
      oldestAgeMs: r.outbox_oldest_age_ms,
    }));
  }
}
