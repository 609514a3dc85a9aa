import type { SerialPort } from 'serialport';
import type { ByteTransport } from './byte-transport.js';
import { describeError } from './byte-transport.js';

/** A serial device and its line settings. */
export interface SerialSettings {
  readonly path: string;
  readonly baudRate: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly dataBits: 7 | 8;
  readonly stopBits: 1 | 2;
}

/**
 * A `ByteTransport` on a serial device (a USB-RS485 adapter, or a pty in tests) through
 * `serialport`, loaded on first open so that agents on TCP gateways never load its native
 * binding. A device that vanishes (adapter unplugged) is reported through `onClose`; opening it
 * again is the owner's decision.
 */
export class SerialByteTransport implements ByteTransport {
  readonly description: string;
  readonly #settings: SerialSettings;
  #port: SerialPort | null = null;
  #onData: (chunk: Buffer) => void = () => undefined;
  #onClose: (reason: string) => void = () => undefined;

  constructor(settings: SerialSettings) {
    this.#settings = settings;
    const parity = settings.parity === 'none' ? 'N' : settings.parity === 'even' ? 'E' : 'O';
    this.description = `serial ${settings.path} ${settings.baudRate} ${settings.dataBits}${parity}${settings.stopBits}`;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen === true;
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    await this.close();
    const { SerialPort } = await import('serialport');
    const s = this.#settings;
    const port = new SerialPort({
      path: s.path,
      baudRate: s.baudRate,
      parity: s.parity,
      dataBits: s.dataBits,
      stopBits: s.stopBits,
      autoOpen: false,
    });
    // An 'error' event without a listener would crash the agent; a lost device also closes.
    port.on('error', () => undefined);
    port.on('data', (chunk: Buffer) => {
      if (this.#port === port) this.#onData(chunk);
    });
    port.on('close', (err: Error | null) => {
      if (this.#port !== port) return;
      this.#port = null;
      this.#onClose(err === null ? 'serial device closed' : `serial device lost: ${err.message}`);
    });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => {
        if (err === null) resolve();
        else reject(new Error(`cannot open ${s.path}: ${err.message}`));
      });
    });
    this.#port = port;
  }

  async close(): Promise<void> {
    const port = this.#port;
    this.#port = null;
    if (port?.isOpen !== true) return;
    await new Promise<void>((resolve) => {
      // A device that already vanished can make close fail; the port is released either way.
      port.close(() => {
        resolve();
      });
    });
  }

  /** Resolves once the bytes left the port (write, then drain: tcdrain on the device). */
  write(bytes: Buffer): Promise<void> {
    const port = this.#port;
    if (port?.isOpen !== true) return Promise.reject(new Error('serial device not open'));
    return new Promise<void>((resolve, reject) => {
      port.write(bytes, (err: Error | null | undefined) => {
        if (err) reject(new Error(`serial write failed: ${describeError(err)}`));
      });
      port.drain((err: Error | null) => {
        if (err === null) resolve();
        else reject(new Error(`serial write failed: ${err.message}`));
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
