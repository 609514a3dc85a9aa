import { hasFields, SEQ_FIELD, type Point } from './point.js';

/** Measurement names escape commas and spaces. */
export function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, '\\$&');
}

/** Tag keys, tag values and field keys escape commas, equals signs and spaces. */
export function escapeKey(text: string): string {
  return text.replace(/[,= ]/g, '\\$&');
}

/**
 * A field value: floats as JavaScript prints them (`1.5`, `-0.0025`, `1e+21`, all parsed as
 * floats by InfluxDB, `5` included), and `seq` as an integer (`123i`), so that it keeps its
 * integer type on every version and never collides with a float of the same name.
 */
export function formatFieldValue(key: string, value: number): string {
  return key === SEQ_FIELD ? `${value}i` : String(value);
}

/**
 * One point as a line, with tags sorted by key (what InfluxDB does itself, so it does less work)
 * and a millisecond timestamp (the write URL says `precision=ms`). Null for a point without
 * fields, which line protocol cannot carry. The point must be valid (`assertValidPoints`).
 */
export function toLine(point: Point): string | null {
  if (!hasFields(point)) return null;
  let line = escapeMeasurement(point.measurement);
  for (const key of Object.keys(point.tags).sort()) {
    line += `,${escapeKey(key)}=${escapeKey(point.tags[key] as string)}`;
  }
  let sep = ' ';
  for (const [key, value] of Object.entries(point.fields)) {
    line += `${sep}${escapeKey(key)}=${formatFieldValue(key, value)}`;
    sep = ',';
  }
  return `${line} ${point.time}`;
}

/** The lines of a batch, skipping points without fields. */
export function toLines(points: readonly Point[]): string[] {
  const lines: string[] = [];
  for (const point of points) {
    const line = toLine(point);
    if (line !== null) lines.push(line);
  }
  return lines;
}
