/**
 * Returns the payload with `historical: true`. Outbox payloads are stored as sent live; a record
 * replayed after an outage is re-marked so the cloud can tell late data from live data.
 */
export function markHistorical(payload: Buffer): Buffer {
  const body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...body, historical: true }));
}
