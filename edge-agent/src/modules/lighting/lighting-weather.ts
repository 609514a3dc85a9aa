import type { Logger } from 'pino';
import { z } from 'zod';
import { ProtocolError, TOPICS } from '@hameau/protocol';
import type { AgentState } from '../../store/agent-state.js';
import { WeatherInputSchema, type WeatherInput } from './control/index.js';
import { parseMetar } from './weather/metar.js';
import { parseOpenMeteoCurrent } from './weather/open-meteo.js';
import type { WeatherObservation } from './weather/weather-observation.js';

// The weather the controller takes: the last good report the cloud relayed on the retained
// `…/weather` topic, read on the edge by the reader of its source, and kept durably so that a
// restart (or weeks without the cloud) keeps it. The controller judges its staleness; a report
// that cannot be read is logged and ignored, and the last good one stays.

export const WEATHER_KEY = 'lighting.weather';

const Stored = z.object({
  source: z.enum(['open-meteo', 'metar']),
  fetchedAt: z.string(),
  observation: WeatherInputSchema,
});

/** What `receive` did with a relayed report. */
export type WeatherOutcome =
  | { readonly status: 'accepted'; readonly weather: WeatherInput }
  | { readonly status: 'rejected'; readonly reason: string };

/** The last good weather report, durable. */
export class LightingWeather {
  readonly #state: AgentState;
  readonly #log: Logger;
  #current: WeatherInput | null;

  constructor(state: AgentState, log: Logger) {
    this.#state = state;
    this.#log = log;
    this.#current = this.#load();
  }

  /** The report in force, or null: a new object per report (the controller keys on it). */
  get current(): WeatherInput | null {
    return this.#current;
  }

  /** Reads a relayed `WeatherPayload`; keeps it when good, else logs why and keeps the last. */
  receive(payload: Buffer): WeatherOutcome {
    let report;
    let observation: WeatherObservation;
    try {
      report = TOPICS.weather.decode(payload);
      observation =
        typeof report.body === 'string'
          ? parseMetar(report.body, Date.parse(report.fetchedAt))
          : parseOpenMeteoCurrent(report.body);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // A reader lists its `problems`, the payload's schema its `issues` (paths and messages).
      const problems =
        err instanceof ProtocolError
          ? (err.details['problems'] ?? err.details['issues'])
          : undefined;
      this.#log.warn(
        { reason: reason.slice(0, 300), problems },
        'weather report not understood; the last good one stays',
      );
      return { status: 'rejected', reason: reason.slice(0, 300) };
    }
    const weather: WeatherInput = {
      observedAt: observation.observedAt,
      fog: observation.fog,
      heavyRain: observation.heavyRain,
      snowCover: observation.snowCover,
      visibilityM: observation.visibilityM,
      summary: observation.summary.slice(0, 200),
    };
    this.#current = weather;
    this.#state.set(WEATHER_KEY, {
      source: report.source,
      fetchedAt: report.fetchedAt,
      observation: weather,
    });
    this.#log.info(
      {
        source: report.source,
        observedAt: new Date(weather.observedAt).toISOString(),
        summary: weather.summary,
      },
      'weather report in force',
    );
    return { status: 'accepted', weather };
  }

  #load(): WeatherInput | null {
    try {
      return this.#state.get(WEATHER_KEY, Stored)?.observation ?? null;
    } catch (err) {
      this.#log.error({ err }, 'stored weather unreadable; starting without it');
      return null;
    }
  }
}
