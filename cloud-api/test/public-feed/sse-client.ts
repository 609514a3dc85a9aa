/** One event as a client reads it. */
export interface ReceivedEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * A minimal EventSource over `fetch`, for tests that need the raw stream: the status and
 * headers, every event, comment and `retry:` in order, and the end of the stream.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  readonly retries: number[] = [];
  #ended = false;
  readonly #abort: AbortController;
  readonly #done: Promise<void>;

  private constructor(
    readonly response: Response,
    abort: AbortController,
  ) {
    this.#abort = abort;
    this.#done = this.#read();
  }

  /** Opens `url`; the promise resolves once the headers arrived, whatever the status. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    return new SseClient(response, abort);
  }

  get status(): number {
    return this.response.status;
  }

  /** Whether the server ended the stream. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The events' payloads, parsed. */
  payloads<T = Record<string, unknown>>(event?: string): T[] {
    return this.events
      .filter((e) => event === undefined || e.event === event)
      .map((e) => JSON.parse(e.data) as T);
  }

  /**
   * Waits (on a loaded machine: generously) until `count` events arrived; rejects saying how
   * many did. Plain polling, so measurement scripts can use it outside vitest too.
   */
  async waitForEvents(count: number, timeoutMs = 10_000): Promise<ReceivedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      if (Date.now() > deadline || this.#ended) {
        throw new Error(`expected ${count} events, got ${this.events.length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.events;
  }

  /** Drops the connection, as a closed tab does. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  async #read(): Promise<void> {
    const body = this.response.body;
    if (body === null) return;
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.#block(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      this.#ended = true;
    } catch {
      // Aborted by `close`, or the connection was cut: either way the stream is over.
      this.#ended = true;
    }
  }

  #block(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') this.retries.push(Number(value));
    }
    if (data.length > 0) this.events.push({ id, event, data: data.join('\n') });
  }
}
