import type { TelemetryPayload } from '@hameau/protocol';
import { SEQ_FIELD, type Point } from './point.js';
import { TimeSeriesError } from './time-series-error.js';

/** Where a telemetry message came from: the parameters of its topic. */
export interface TelemetryOrigin {
  readonly site: string;
  readonly device: string;
  readonly stream: string;
}

/**
 * The point a decoded telemetry message becomes: measurement = stream; tags = site, device and
 * source; fields = the numeric values plus `seq`; time = `at`. A null value (a reading that
 * could not be taken) is left out, never written as a number, and `missing` reasons stay out of
 * the series: a gap in a chart is the truth.
 */
export function telemetryToPoint(origin: TelemetryOrigin, payload: TelemetryPayload): Point {
  const fields: Record<string, number> = {};
  for (const [name, value] of Object.entries(payload.values)) {
    if (value === null) continue;
    if (name === SEQ_FIELD) {
      throw new TimeSeriesError(
        'TSDB_POINT_INVALID',
        `telemetry from ${origin.site}/${origin.device}: the quantity name "${SEQ_FIELD}" is reserved for the sequence number`,
        { site: origin.site, device: origin.device, stream: origin.stream },
      );
    }
    fields[name] = value;
  }
  fields[SEQ_FIELD] = payload.seq;
  return {
    measurement: origin.stream,
    tags: { site: origin.site, device: origin.device, source: payload.source },
    fields,
    time: Date.parse(payload.at),
  };
}
