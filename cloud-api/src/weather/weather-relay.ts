import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  TOPICS,
  every,
  type Clock,
  type WeatherPayload,
  type WeatherSource,
} from '@hameau/protocol';
import { deviceStore } from '../devices/device-store.js';
import type { CloudPublisher } from '../mqtt/cloud-publisher.js';
import type { Schema } from '../storage/schema.js';
import { fetchWeather, type Fetch } from './fetch-weather.js';
import type { WeatherSettings } from './weather-settings.js';

/** What the relay did last, for `GET /api/v1/weather`. */
export interface WeatherRelayStatus {
  readonly enabled: boolean;
  readonly url: string | null;
  readonly source: WeatherSource;
  readonly lastFetchAt: string | null;
  readonly lastReport: WeatherPayload | null;
  readonly lastError: { readonly at: string; readonly message: string } | null;
  /** Lighting controllers that have the last report (it is retained: they keep it). */
  readonly deliveredTo: number;
}

export interface WeatherRelayDeps {
  readonly settings: WeatherSettings;
  readonly db: Kysely<Schema>;
  readonly publisher: CloudPublisher;
  readonly clock: Clock;
  readonly log: Logger;
  readonly fetch?: Fetch;
}

/**
 * Fetches the town's weather on a schedule and relays each report, retained, to every lighting
 * controller. A failed fetch keeps the last report where it is: the controllers judge its age
 * themselves (stale weather falls back to the base program), so the relay never has to.
 * The last report goes out again at every (re)connection to the broker, for controllers added
 * since.
 */
export class WeatherRelay {
  readonly #d: WeatherRelayDeps;
  #stopTimer: (() => void) | null = null;
  #unsubscribe: (() => void) | null = null;
  #running: Promise<void> | null = null;
  #lastFetchAt: number | null = null;
  #last: WeatherPayload | null = null;
  #lastError: { at: number; message: string } | null = null;
  #deliveredTo = 0;

  constructor(deps: WeatherRelayDeps) {
    this.#d = deps;
  }

  /** Fetches now, then every `intervalSeconds`; does nothing without a URL. */
  start(): void {
    const { settings, clock, publisher } = this.#d;
    if (settings.url === undefined || this.#stopTimer !== null) return;
    this.#unsubscribe = publisher.onConnect(() => {
      void this.#deliver();
    });
    this.#stopTimer = every(clock, settings.intervalSeconds * 1000, () => {
      void this.refresh();
    });
    void this.refresh();
  }

  /** Stops the schedule and waits for a fetch under way. */
  async stop(): Promise<void> {
    this.#stopTimer?.();
    this.#stopTimer = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#running;
  }

  /** Fetches and relays one report now (one at a time: a call during a fetch joins it). */
  refresh(): Promise<void> {
    this.#running ??= this.#refresh().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  status(): WeatherRelayStatus {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      enabled: this.#d.settings.url !== undefined,
      url: this.#d.settings.url ?? null,
      source: this.#d.settings.source,
      lastFetchAt: iso(this.#lastFetchAt),
      lastReport: this.#last,
      lastError:
        this.#lastError === null
          ? null
          : { at: new Date(this.#lastError.at).toISOString(), message: this.#lastError.message },
      deliveredTo: this.#deliveredTo,
    };
  }

  async #refresh(): Promise<void> {
    const { settings, clock, log } = this.#d;
    if (settings.url === undefined) return;
    const now = clock.now();
    this.#lastFetchAt = now;
    try {
      this.#last = await fetchWeather({
        url: settings.url,
        source: settings.source,
        timeoutMs: settings.timeoutMs,
        now,
        ...(this.#d.fetch && { fetch: this.#d.fetch }),
      });
      this.#lastError = null;
    } catch (err) {
      this.#lastError = { at: now, message: (err as Error).message };
      log.warn({ err: (err as Error).message }, 'weather fetch failed; the last report stays');
      return;
    }
    await this.#deliver();
  }

  /** Publishes the last report to every lighting controller; one that fails is retried later. */
  async #deliver(): Promise<void> {
    const report = this.#last;
    if (report === null || !this.#d.publisher.connected) return;
    const devices = (await deviceStore.list(this.#d.db)).filter((d) => d.kind === 'lighting');
    let delivered = 0;
    for (const d of devices) {
      try {
        await this.#d.publisher.publish(
          TOPICS.weather.build({ site: d.site, device: d.device }),
          report,
          { qos: TOPICS.weather.qos, retain: TOPICS.weather.retain },
        );
        delivered++;
      } catch (err) {
        this.#d.log.warn(
          { site: d.site, device: d.device, err: (err as Error).message },
          'weather report not delivered; it goes again at the next fetch or connection',
        );
      }
    }
    this.#deliveredTo = delivered;
  }
}
