import { TimeSeriesError } from './time-series-error.js';

/**
 * One point of a time series: a measurement (the telemetry stream), tags identifying the series
 * (site, device, source), numeric fields, and a time in milliseconds since the epoch.
 */
export interface Point {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, number>>;
  readonly time: number;
}

/** The one field written as an integer (`123i` in line protocol): the device's sequence number. */
export const SEQ_FIELD = 'seq';

/** Names InfluxDB refuses as tag or field keys (1.x refuses `time`, 2.x also the `_` ones). */
const RESERVED_KEYS = new Set(['time', '_field', '_measurement']);

/**
 * Whether a name or tag value can travel through line protocol unchanged on every InfluxDB
 * version. Line protocol cannot carry a newline, and it has no reliable escape for a backslash:
 * 1.x keeps `\\` as two characters, 2.x reads it as one, and a trailing `\` swallows the next
 * separator on both. Refusing those few strings (no telemetry id contains them) keeps the
 * embedded store and InfluxDB accepting exactly the same points.
 */
export function isLineSafe(text: string): boolean {
  return text.length > 0 && !/[\n\r]|\\(?:[\\,= ]|$)/.test(text);
}

/** Every problem of one point, as human-readable strings; empty when it is valid. */
export function pointProblems(point: Point): string[] {
  const problems: string[] = [];
  if (typeof point.measurement !== 'string' || !isLineSafe(point.measurement)) {
    problems.push(`measurement ${JSON.stringify(point.measurement)} is empty or not line-safe`);
  }
  for (const [key, value] of Object.entries(point.tags)) {
    if (!isLineSafe(key) || RESERVED_KEYS.has(key)) {
      problems.push(`tag key ${JSON.stringify(key)} is empty, reserved or not line-safe`);
    }
    if (typeof value !== 'string' || !isLineSafe(value)) {
      problems.push(`tag ${key}: value ${JSON.stringify(value)} is empty or not line-safe`);
    }
  }
  for (const [key, value] of Object.entries(point.fields)) {
    if (!isLineSafe(key) || RESERVED_KEYS.has(key)) {
      problems.push(`field key ${JSON.stringify(key)} is empty, reserved or not line-safe`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`field ${key}: ${String(value)} is not a finite number`);
    } else if (key === SEQ_FIELD && !Number.isSafeInteger(value)) {
      problems.push(`field ${SEQ_FIELD}: ${value} is not an integer`);
    }
  }
  if (!Number.isSafeInteger(point.time)) {
    problems.push(`time ${String(point.time)} is not an integer number of milliseconds`);
  }
  return problems;
}

/**
 * Throws `TSDB_POINT_INVALID` listing every problem of every invalid point (with its index in
 * the batch), so a batch is written whole or not at all.
 */
export function assertValidPoints(points: readonly Point[]): void {
  const problems: string[] = [];
  points.forEach((point, index) => {
    for (const problem of pointProblems(point)) problems.push(`point ${index}: ${problem}`);
  });
  if (problems.length > 0) {
    throw new TimeSeriesError(
      'TSDB_POINT_INVALID',
      `${problems.length} problem(s) in a batch of ${points.length} point(s):\n  - ${problems
        .slice(0, 20)
        .join('\n  - ')}`,
      { problems },
    );
  }
}

/** True when the point carries at least one field; a point without any carries no reading. */
export function hasFields(point: Point): boolean {
  for (const _ in point.fields) return true;
  return false;
}
