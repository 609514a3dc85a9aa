/*
 * A raw row keeps a point's fields as one JSON object keyed by field id. These helpers are the
 * only code that knows that encoding.
 */

/** The JSON path of a field in a raw row's `fields`, for `fields ->> path`. */
export function fieldPath(fieldId: number): string {
  return `$."${fieldId}"`;
}

/** Encodes [field id, value] pairs (finite numbers, validated before). */
export function encodeFields(entries: readonly (readonly [number, number])[]): string {
  let json = '{';
  for (const [id, value] of entries) json += `${json.length > 1 ? ',' : ''}"${id}":${value}`;
  return `${json}}`;
}

/** Decodes a raw row's fields into a map from field id to value. */
export function decodeFields(json: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const [key, value] of Object.entries(JSON.parse(json) as Record<string, number>)) {
    out.set(Number(key), value);
  }
  return out;
}
