import { InfluxHttp, type InfluxHttpOptions, type InfluxTarget } from './influx-http.js';
import { parseLatestResponse, parseSeriesResponse } from './influx-response.js';
import { latestToInfluxQL, seriesQueryToInfluxQL } from './influxql.js';
import { toLines } from './line-protocol.js';
import { assertValidPoints, type Point } from './point.js';
import { chooseResolution } from './resolution.js';
import { parseLatestArgs, parseSeriesQuery } from './series-query.js';
import { TimeSeriesError } from './time-series-error.js';
import type {
  LatestOptions,
  LatestValue,
  SeriesQuery,
  SeriesResult,
  TimeSeriesStore,
} from './time-series-store.js';

/**
 * The time-series store for larger installations: writes line protocol to InfluxDB 1.x (`/write`)
 * or 2.x/3.x (`/api/v2/write`), and reads with InfluxQL (`/query`, which 2.x and 3.x also serve
 * for 1.x clients). InfluxDB aggregates raw points itself, so there are no rollups here, and
 * retention is InfluxDB's own (its retention policy or bucket setting).
 */
export class InfluxStore implements TimeSeriesStore {
  readonly #http: InfluxHttp;
  #closed = false;

  constructor(target: InfluxTarget, options: InfluxHttpOptions) {
    this.#http = new InfluxHttp(target, options);
  }

  async write(points: readonly Point[]): Promise<void> {
    this.#assertOpen();
    assertValidPoints(points);
    const lines = toLines(points);
    if (lines.length > 0) await this.#http.write(lines);
  }

  async query(q: SeriesQuery): Promise<SeriesResult> {
    this.#assertOpen();
    const parsed = parseSeriesQuery(q);
    // InfluxDB holds raw points for as long as its own retention says; only the span matters.
    const resolution =
      parsed.resolution === 'auto'
        ? chooseResolution(parsed.from, parsed.to, () => -Infinity)
        : parsed.resolution;
    const body = await this.#http.query(seriesQueryToInfluxQL(parsed, resolution));
    return parseSeriesResponse(body, parsed, resolution);
  }

  async latest(
    measurement: string,
    field: string,
    tags?: Record<string, string>,
    options?: LatestOptions,
  ): Promise<LatestValue[]> {
    this.#assertOpen();
    const args = parseLatestArgs(measurement, field, tags, options);
    const body = await this.#http.query(latestToInfluxQL(args));
    return parseLatestResponse(body);
  }

  close(): Promise<void> {
    // Nothing to release: fetch's pooled connections are shared and close when idle.
    this.#closed = true;
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new TimeSeriesError('TSDB_UNAVAILABLE', 'the series store is closed');
  }
}
