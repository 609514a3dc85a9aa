import { connect, type Socket } from 'node:net';
import { encodeMbap } from '../src/modbus/modbus-tcp-frame.js';

/** A raw Modbus TCP test client: sends MBAP frames and hands back response bytes as they come. */
export class ModbusTcpClient {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #ended = false;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#ended = true;
        this.#wake();
        resolve();
      });
    });
  }

  static async open(port: number): Promise<ModbusTcpClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new ModbusTcpClient(socket);
  }

  /** Sends one request frame. */
  send(transactionId: number, unitId: number, pdu: Buffer): void {
    this.socket.write(encodeMbap({ transactionId, unitId, pdu }));
  }

  /** Sends raw bytes (split or merged frames, broken headers). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next whole MBAP frame received, as bytes; rejects if the connection closes first. */
  async readFrame(): Promise<Buffer> {
    for (;;) {
      if (this.#buffer.length >= 6) {
        const total = 6 + this.#buffer.readUInt16BE(4);
        if (this.#buffer.length >= total) {
          const frame = this.#buffer.subarray(0, total);
          this.#buffer = this.#buffer.subarray(total);
          return frame;
        }
      }
      if (this.#ended)
        throw new Error(`connection closed; unread: ${this.#buffer.toString('hex')}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Bytes received and not yet read. */
  get unread(): Buffer {
    return this.#buffer;
  }

  async close(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
