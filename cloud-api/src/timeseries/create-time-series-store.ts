import type { Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import { EmbeddedStore } from './embedded-store.js';
import { InfluxStore } from './influx-store.js';
import { parseTimeSeriesConfig, type TimeSeriesConfigInput } from './time-series-config.js';
import type { TimeSeriesStore } from './time-series-store.js';

/** What every store needs from its surroundings. */
export interface TimeSeriesDeps {
  readonly clock: Clock;
  readonly logger?: Logger;
}

/** Opens the store a config asks for (validated here, every problem listed at once). */
export function createTimeSeriesStore(
  input: TimeSeriesConfigInput,
  deps: TimeSeriesDeps,
): TimeSeriesStore {
  const config = parseTimeSeriesConfig(input);
  const logger = deps.logger?.child({ component: 'timeseries', kind: config.kind });
  if (config.kind === 'embedded') {
    return new EmbeddedStore({
      clock: deps.clock,
      ...(config.path !== undefined && { path: config.path }),
      ...(config.retention !== undefined && { retention: config.retention }),
      ...(logger !== undefined && { logger }),
    });
  }
  return new InfluxStore(config, { clock: deps.clock, logger });
}
