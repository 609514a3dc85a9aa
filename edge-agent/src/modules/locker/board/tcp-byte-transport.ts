import { Socket } from 'node:net';
import type { Clock } from '@hameau/protocol';
import type { ByteTransport } from './byte-transport.js';

/** A serial-to-Ethernet gateway in raw (transparent) mode. */
export interface TcpSettings {
  readonly host: string;
  readonly port: number;
  /** A connection not made by then fails (a connect to a dead host hangs for minutes). */
  readonly connectTimeoutMs: number;
}

/** How often TCP probes an idle connection, so a gateway that died is noticed. */
const KEEPALIVE_MS = 10_000;

/**
 * A `ByteTransport` over a TCP connection to an RS485 gateway: raw bytes both ways, Nagle off
 * (a 5-byte frame must not wait for more), keepalive on. A dropped connection is reported
 * through `onClose`; reconnecting is the owner's decision. The connect timeout runs on the
 * injected clock.
 */
export class TcpByteTransport implements ByteTransport {
  readonly description: string;
  readonly #settings: TcpSettings;
  readonly #clock: Clock;
  #socket: Socket | null = null;
  #onData: (chunk: Buffer) => void = () => undefined;
  #onClose: (reason: string) => void = () => undefined;

  constructor(settings: TcpSettings, clock: Clock) {
    this.#settings = settings;
    this.#clock = clock;
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    this.description = `tcp ${host}:${settings.port}`;
  }

  get isOpen(): boolean {
    const socket = this.#socket;
    return socket !== null && !socket.destroyed && socket.writable;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    await this.close();
    const { host, port, connectTimeoutMs } = this.#settings;
    const socket = new Socket();
    socket.setNoDelay(true);
    let lastError: string | null = null;
    socket.on('error', (err) => {
      // Always handled: an unhandled 'error' would crash the agent. 'close' follows.
      lastError = err.message;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${this.description} timed out after ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      const onClose = () => {
        this.#clock.clearTimeout(timer);
        reject(new Error(`cannot connect to ${this.description}: ${lastError ?? 'closed'}`));
      };
      socket.once('close', onClose);
      socket.once('connect', () => {
        this.#clock.clearTimeout(timer);
        socket.off('close', onClose);
        resolve();
      });
      socket.connect({ host, port });
    });
    socket.setKeepAlive(true, KEEPALIVE_MS);
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket === socket) this.#onData(chunk);
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#onClose(`connection to ${this.description} lost: ${lastError ?? 'closed by peer'}`);
    });
    this.#socket = socket;
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => {
        resolve();
      });
      socket.destroy();
    });
  }

  /** Resolves once the bytes are handed to the kernel's socket buffer. */
  write(bytes: Buffer): Promise<void> {
    const socket = this.#socket;
    if (socket === null || !this.isOpen) {
      return Promise.reject(new Error(`${this.description} not connected`));
    }
    return new Promise<void>((resolve, reject) => {
      socket.write(bytes, (err) => {
        if (err) reject(new Error(`write to ${this.description} failed: ${err.message}`));
        else resolve();
      });
    });
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.#onData = listener;
  }

  onClose(listener: (reason: string) => void): void {
    this.#onClose = listener;
  }
}
