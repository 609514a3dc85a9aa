import type { ServerResponse } from 'node:http';

/** The headers of an event stream: never cached or transformed, never buffered by a proxy. */
const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx buffers responses unless told not to; an event held in a buffer is not live.
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * One viewer's open event stream, on a raw Node response the route handed over. Writes the
 * bytes it is given (the same Buffer for every viewer) and closes a viewer that falls behind.
 */
export class SseStream {
  readonly #res: ServerResponse;
  readonly #maxBufferedBytes: number;
  #closed = false;
  #slow = false;

  constructor(
    res: ServerResponse,
    opts: { readonly maxBufferedBytes: number; readonly onClose: (stream: SseStream) => void },
  ) {
    this.#res = res;
    this.#maxBufferedBytes = opts.maxBufferedBytes;
    // Small events must leave at once, not wait for the previous one's acknowledgement.
    res.socket?.setNoDelay(true);
    res.on('close', () => {
      this.#closed = true;
      opts.onClose(this);
    });
    res.writeHead(200, STREAM_HEADERS);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether it was closed for falling behind. */
  get slow(): boolean {
    return this.#slow;
  }

  /**
   * Queues `chunk`; false when the stream is closed, or was just closed because the viewer let
   * more than the limit pile up (it reconnects and starts again from a snapshot).
   */
  send(chunk: Buffer): boolean {
    if (this.#closed) return false;
    if (this.#res.writableLength > this.#maxBufferedBytes) {
      this.#slow = true;
      this.#res.destroy();
      return false;
    }
    this.#res.write(chunk);
    return true;
  }

  /** Ends the stream (the app is closing): the client sees the end and reconnects later. */
  end(): void {
    if (!this.#closed) this.#res.end();
  }
}
