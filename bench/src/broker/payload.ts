/**
 * A ~120-byte telemetry reading, valid under the protocol's `TelemetryPayload`, that carries its
 * send time (`performance.now()` of the load generator) as the reading `sent_ms`. Written as a
 * template rather than with `TOPICS.telemetry.encode` so that building thousands a second costs
 * the load generator next to nothing.
 */
export function benchPayload(seq: number, sentMs: number): Buffer {
  return Buffer.from(
    `{"seq":${seq},"at":"${new Date().toISOString()}","historical":false,"source":"meter-1",` +
      `"values":{"power_w":1234.5,"sent_ms":${sentMs}}}`,
  );
}

/** The sequence number and send time of a payload made by `benchPayload`. */
export function readBenchPayload(payload: Buffer): { seq: number; sentMs: number } {
  const parsed = JSON.parse(payload.toString('utf8')) as {
    seq?: unknown;
    values?: { sent_ms?: unknown };
  };
  const seq = parsed.seq;
  const sentMs = parsed.values?.sent_ms;
  if (typeof seq !== 'number' || typeof sentMs !== 'number') {
    throw new Error(`not a bench payload: ${payload.toString('utf8').slice(0, 80)}`);
  }
  return { seq, sentMs };
}
