import { request, type ClientRequest } from 'node:http';
import { SseParser, type ReceivedEvent } from './sse-parser.js';

/** Epoch ms with sub-millisecond precision, comparable across the bench's processes. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** What a viewer keeps of each event: when it arrived and what it was. */
export interface Arrival {
  readonly arrivedMs: number;
  readonly event: ReceivedEvent;
}

/**
 * One viewer of the public live feed: an event stream on its own TCP connection, as each
 * browser tab's EventSource opens one, read with `SseParser`. Every event is handed to
 * `onEvent` with the time its chunk arrived (one clock read per chunk). `opened` resolves with
 * the first event (the snapshot) and rejects on an error answer or a failed connection.
 */
export class SseViewer {
  readonly opened: Promise<void>;
  #ended = false;
  readonly #req: ClientRequest;

  constructor(url: string, onEvent: (arrival: Arrival) => void, onEnd: () => void) {
    const parser = new SseParser();
    let first = true;
    let resolveOpened: () => void = () => undefined;
    let rejectOpened: (err: Error) => void = () => undefined;
    this.opened = new Promise<void>((resolve, reject) => {
      resolveOpened = resolve;
      rejectOpened = reject;
    });
    const end = () => {
      if (this.#ended) return;
      this.#ended = true;
      rejectOpened(new Error('the stream ended before its first event'));
      onEnd();
    };
    // agent: false: a connection of its own, never pooled, as a browser's event stream.
    this.#req = request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        rejectOpened(new Error(`GET ${url} answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const arrivedMs = epochNow();
        for (const event of parser.push(chunk)) {
          onEvent({ arrivedMs, event });
          if (first) {
            first = false;
            resolveOpened();
          }
        }
      });
      res.on('end', end);
      res.on('close', end);
    });
    this.#req.on('error', (err) => {
      rejectOpened(err);
      end();
    });
    this.#req.end();
  }

  /** True once the server closed the stream (or the connection broke). */
  get ended(): boolean {
    return this.#ended;
  }

  close(): void {
    this.#ended = true;
    this.#req.destroy();
  }
}
