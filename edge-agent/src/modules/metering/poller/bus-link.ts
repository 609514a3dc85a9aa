import type { Logger } from 'pino';
import { sleep, type Clock } from '@hameau/protocol';
import type { ModbusClient, ReadRequest } from '../transport/modbus-client.js';
import { ReadFailure } from '../transport/read-failure.js';

/** How a bus link behaves between requests and after a lost connection. */
export interface BusLinkOptions<C extends ModbusClient = ModbusClient> {
  readonly client: C;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Silence kept between the end of one request and the start of the next: the RTU frame gap
   * (t3.5) or the configured pause, whichever is longer. The only wait between requests.
   */
  readonly gapMs: number;
  /** Backoff of reopening attempts: the first waits `minMs`, doubling up to `maxMs`. */
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
}

/**
 * One bus's Modbus link as the pollers use it: it opens the client when needed, reopens it after
 * a lost TCP connection or a serial device that vanished and came back (at once the first time,
 * then with a growing backoff while it keeps failing), and keeps the gap between requests.
 * While the link is down a read fails fast as `disconnected`, costing the bus no time.
 */
export class BusLink<C extends ModbusClient = ModbusClient> {
  readonly #o: BusLinkOptions<C>;
  #lastEnd = Number.NEGATIVE_INFINITY;
  #nextOpenAt = 0;
  #backoffMs = 0;
  #downReason: string | null = null;
  #closed = false;
  /** Settles when `close` is called, so a read waiting out the gap stops waiting. */
  readonly #closing: Promise<void>;
  #signalClosing!: () => void;

  constructor(options: BusLinkOptions<C>) {
    this.#o = options;
    this.#closing = new Promise((resolve) => {
      this.#signalClosing = resolve;
    });
  }

  /** Whether the link is open now. */
  get connected(): boolean {
    return this.#o.client.isOpen;
  }

  /** Reads registers; rejects with a `ReadFailure`. */
  read(request: ReadRequest): Promise<readonly number[]> {
    return this.exchange((client) => client.read(request));
  }

  /**
   * Runs one request of any kind (a write, for links whose client writes) on the client, with
   * the link opened and the gap kept as for a read; rejects with a `ReadFailure`.
   */
  async exchange<T>(send: (client: C) => Promise<T>): Promise<T> {
    await this.#ensureOpen();
    const wait = this.#lastEnd + this.#o.gapMs - this.#o.clock.now();
    if (wait > 0) {
      await Promise.race([sleep(this.#o.clock, wait), this.#closing]);
      if (this.#closed) throw ReadFailure.disconnected('closed');
    }
    try {
      return await send(this.#o.client);
    } finally {
      this.#lastEnd = this.#o.clock.now();
    }
  }

  /** Closes the link for good. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#signalClosing();
    await this.#o.client.close();
  }

  async #ensureOpen(): Promise<void> {
    const { client, clock, log, reconnect } = this.#o;
    if (this.#closed) throw ReadFailure.disconnected('closed');
    if (client.isOpen) return;
    if (clock.now() < this.#nextOpenAt) {
      throw ReadFailure.disconnected(this.#downReason ?? 'reconnecting');
    }
    try {
      await client.open();
    } catch (err) {
      const failure = err instanceof ReadFailure ? err : ReadFailure.disconnected(String(err));
      this.#backoffMs =
        this.#backoffMs === 0 ? reconnect.minMs : Math.min(this.#backoffMs * 2, reconnect.maxMs);
      this.#nextOpenAt = clock.now() + this.#backoffMs;
      if (this.#downReason === null) {
        log.warn({ reason: failure.reason, retryInMs: this.#backoffMs }, 'bus link down');
      }
      this.#downReason = failure.reason.replace(/^bus disconnected: /, '');
      throw failure;
    }
    if (this.#downReason !== null) log.info('bus link up again');
    this.#downReason = null;
    this.#backoffMs = 0;
    this.#nextOpenAt = 0;
  }
}
