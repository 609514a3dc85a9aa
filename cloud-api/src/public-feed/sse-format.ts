// Server-sent events as the WHATWG HTML standard frames them (§9.2 "Server-sent events"): fields
// `id`, `event`, `data`, `retry`, one per line, a blank line ending each event, and lines
// starting with a colon ignored by the client (comments: our heartbeats).

/** One event: its id (what `Last-Event-ID` echoes on reconnect), its type and its JSON text. */
export interface SseEvent {
  readonly id: string;
  readonly event: string;
  /** Serialized JSON: it has no line breaks, so it fits one `data:` line. */
  readonly data: string;
}

/** The bytes of one event, ready to write to every stream. */
export function sseEvent(e: SseEvent): Buffer {
  if (/[\r\n]/.test(e.id) || /[\r\n]/.test(e.event) || /[\r\n]/.test(e.data)) {
    throw new Error('a server-sent event field must be a single line');
  }
  return Buffer.from(`id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`);
}

/** The reconnection delay the client should use, in ms. */
export function sseRetry(ms: number): Buffer {
  return Buffer.from(`retry: ${Math.round(ms)}\n\n`);
}

/** A comment: the client ignores it, proxies see traffic. */
export const SSE_HEARTBEAT = Buffer.from(': heartbeat\n\n');
