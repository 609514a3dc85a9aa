import { connect, type Socket } from 'node:net';
import type { Clock } from '@hameau/protocol';
import { parseCounterReply, type CounterReply } from './counter-reply.js';

/**
 * Talks to a counter device over a kept-open TCP connection, reopened after any failure. Reads
 * are queued and sent one at a time: the protocol has no request ids, so a second request in
 * flight would take the first one's answer (a poll and a `read` command may ask together).
 */
export class CounterReader {
  #socket: Socket | null = null;
  #buffer = '';
  #waiting: ((line: string | null) => void) | null = null;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly timeoutMs: number,
    readonly clock: Clock,
  ) {}

  /** One reading, after the reads queued before it; a failure is an error reply, never thrown. */
  read(): Promise<CounterReply> {
    const reply = this.#tail.then(() => this.#readNow());
    // Never rejects today; if it ever did, the reads queued after it must still run.
    this.#tail = reply.catch(() => undefined);
    return reply;
  }

  /** Closes the connection for good: reads still queued, and later ones, answer an error. */
  close(): void {
    this.#closed = true;
    this.#drop();
  }

  async #readNow(): Promise<CounterReply> {
    if (this.#closed) return { kind: 'error', reason: 'reader closed' };
    const socket = this.#socket ?? (await this.#open());
    if (socket === null) return { kind: 'error', reason: 'device unreachable' };
    const line = await new Promise<string | null>((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.#waiting = null;
        resolve(null);
      }, this.timeoutMs);
      this.#waiting = (l) => {
        this.clock.clearTimeout(timer);
        resolve(l);
      };
      socket.write('READ\n');
    });
    if (line === null) {
      if (this.#isClosed()) return { kind: 'error', reason: 'reader closed' };
      // A late answer would be taken for the next request's: start over on a new connection.
      this.#drop();
      return { kind: 'error', reason: 'timeout' };
    }
    return parseCounterReply(line);
  }

  // A method, not the field: `close` may be called while a read awaits its answer.
  #isClosed(): boolean {
    return this.#closed;
  }

  /** Drops the connection (the next read opens a new one) and fails the read waiting on it. */
  #drop(): void {
    this.#socket?.destroy();
    this.#socket = null;
    this.#buffer = '';
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.(null);
  }

  #open(): Promise<Socket | null> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      socket.setEncoding('utf8');
      socket.once('connect', () => {
        this.#socket = socket;
        resolve(socket);
      });
      socket.on('data', (chunk: string) => {
        this.#buffer += chunk;
        let nl = this.#buffer.indexOf('\n');
        while (nl >= 0) {
          const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
          this.#buffer = this.#buffer.slice(nl + 1);
          const waiting = this.#waiting;
          this.#waiting = null;
          waiting?.(line);
          nl = this.#buffer.indexOf('\n');
        }
        if (this.#buffer.length > 1024) this.#drop();
      });
      socket.on('error', () => {
        if (this.#socket !== socket) resolve(null);
        this.#drop();
      });
      socket.on('close', () => {
        if (this.#socket === socket) this.#drop();
      });
    });
  }
}
