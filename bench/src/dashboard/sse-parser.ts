/** One server-sent event as a client receives it. */
export interface ReceivedEvent {
  /** `message` when the server named none. */
  readonly event: string;
  readonly data: string;
  /** The last `id` seen so far on the stream (it carries over to later events). */
  readonly id: string;
}

/**
 * The client side of server-sent events (WHATWG HTML §9.2.6, "Interpreting an event stream"),
 * fed the stream's text as it arrives in chunks of any size: lines end with LF, CRLF or CR;
 * a blank line dispatches the event; `:` lines are comments; `data` lines join with LF; an event
 * without data is not dispatched. Hand-written: no SSE client is installed, and the bench needs
 * the arrival time of each event on a thousand streams, which a plain parser gives cheaply.
 */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id = '';
  /** A CR ended the last chunk: an LF starting the next one belongs to it. */
  #pendingCr = false;

  /** Parses a chunk; returns the events it completed, in order. */
  push(chunk: string): ReceivedEvent[] {
    let text = chunk;
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;
    const out: ReceivedEvent[] = [];
    let start = 0;
    for (;;) {
      const cr = this.#buffer.indexOf('\r', start);
      const lf = this.#buffer.indexOf('\n', start);
      if (cr === -1 && lf === -1) break;
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      const line = this.#buffer.slice(start, end);
      if (this.#buffer[end] === '\r') {
        if (end + 1 === this.#buffer.length) this.#pendingCr = true;
        start = this.#buffer[end + 1] === '\n' ? end + 2 : end + 1;
      } else {
        start = end + 1;
      }
      const event = this.#line(line);
      if (event !== null) out.push(event);
    }
    this.#buffer = this.#buffer.slice(start);
    return out;
  }

  #line(line: string): ReceivedEvent | null {
    if (line === '') {
      const data = this.#data;
      const event = this.#event;
      this.#data = [];
      this.#event = '';
      if (data.length === 0) return null;
      return { event: event === '' ? 'message' : event, data: data.join('\n'), id: this.#id };
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      default:
        // `retry` and unknown fields: nothing the bench needs.
        break;
    }
    return null;
  }
}
