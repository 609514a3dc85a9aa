import { connect, type Socket } from 'node:net';

/**
 * A test client for line-based device protocols: it keeps every byte received, so tests can
 * assert exact responses, and reports the server closing the connection.
 */
export class LineClient {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #ended = false;
  /** Resolves when the connection is closed by either side. */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    // A reset by the device under test is an outcome the tests look at, not a crash.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#ended = true;
        this.#wake();
        resolve();
      });
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<LineClient> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new LineClient(socket);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next line, with its `\n`, as raw bytes; rejects if the connection closes first. */
  async readLineBytes(): Promise<Buffer> {
    for (;;) {
      const newline = this.#buffer.indexOf(0x0a);
      if (newline !== -1) {
        const line = this.#buffer.subarray(0, newline + 1);
        this.#buffer = this.#buffer.subarray(newline + 1);
        return line;
      }
      if (this.#ended)
        throw new Error(`connection closed; unread: ${this.#buffer.toString('hex')}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** The next line as latin1 text, `\n` included. */
  async readLine(): Promise<string> {
    return (await this.readLineBytes()).toString('latin1');
  }

  /** Sends one request and reads one response line. */
  async request(line: string): Promise<string> {
    this.send(line);
    return this.readLine();
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

/** Waits (without a time limit of its own) until `condition` holds, checking between I/O turns. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Resolves with the connection error code when nothing listens at `port` (e.g. ECONNREFUSED). */
export function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code ?? err.message);
    });
  });
}
