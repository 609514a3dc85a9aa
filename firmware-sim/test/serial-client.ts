import { SerialPort } from 'serialport';

/** The edge agent's side of a pty in tests: writes requests, collects every byte received. */
export class SerialClient {
  readonly port: SerialPort;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];

  private constructor(port: SerialPort) {
    this.port = port;
    port.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
    });
  }

  static async open(path: string, baudRate = 9600): Promise<SerialClient> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => {
        if (err) reject(err);
        else resolve();
      });
    });
    return new SerialClient(port);
  }

  write(bytes: Buffer): void {
    this.port.write(bytes);
  }

  /** Waits until `count` bytes arrived and returns them (without a time limit of its own). */
  async read(count: number): Promise<Buffer> {
    while (this.#buffer.length < count) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    const out = this.#buffer.subarray(0, count);
    this.#buffer = this.#buffer.subarray(count);
    return out;
  }

  /** Bytes received and not yet read. */
  get unread(): Buffer {
    return this.#buffer;
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => {
      this.port.close(() => {
        resolve();
      });
    });
  }
}
