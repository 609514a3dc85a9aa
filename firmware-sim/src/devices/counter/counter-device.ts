import type { Socket } from 'node:net';
import { ConfigError, type Clock } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { Fault } from '../../faults/fault.js';
import { FaultInjector, type ActiveFault } from '../../faults/fault-injector.js';
import { garbageLine, seededRandom, type Random } from '../../faults/garbage.js';
import type { DeviceContext, Endpoint, SimDevice } from '../../sim-device.js';
import { LineSplitter } from '../../transport/line-splitter.js';
import { TcpDeviceServer } from '../../transport/tcp-device-server.js';
import { CounterOptions, type CounterOptionsInput } from './counter-options.js';
import {
  COUNTER_MAX_LINE_BYTES,
  LINE_TOO_LONG,
  UNKNOWN_COMMAND,
  formatInfo,
  formatReading,
  parseCounterCommand,
} from './counter-protocol.js';

/**
 * A generic polled device that hands out numbered readings over a line-based TCP protocol.
 * Its sequence is shared by all connections and survives reconnects, so a fault test can
 * check that every number it handed out reached the cloud exactly once.
 */
export class CounterDevice implements SimDevice {
  readonly kind = 'counter';
  readonly id: string;
  readonly options: CounterOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #faults: FaultInjector;
  readonly #random: Random;
  readonly #server: TcpDeviceServer;
  #lastSeq: number;
  #requests = 0;
  #started = false;

  /** Validates the options (ConfigError listing every problem) and builds a stopped device. */
  constructor(options: CounterOptionsInput, context: DeviceContext) {
    const parsed = CounterOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(
        'counter device options',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
      );
    }
    this.options = Object.freeze(parsed.data);
    this.id = this.options.id;
    this.#clock = context.clock;
    this.#log = (context.log ?? pino({ level: 'silent' })).child({ device: this.id });
    this.#lastSeq = this.options.start - 1;
    this.#random = seededRandom(this.options.seed);
    this.#faults = new FaultInjector(this.#clock, (active) => {
      this.#onFaultChange(active);
    });
    this.#server = new TcpDeviceServer({
      deviceId: this.id,
      host: this.options.host,
      port: this.options.port,
      log: this.#log,
      onConnection: (socket) => {
        this.#serve(socket);
      },
    });
  }

  /** The seq of the last reading answered (start - 1 before the first). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Request lines received so far, answered or not (tests wait on it to know one arrived). */
  get requests(): number {
    return this.#requests;
  }

  /** The fault the device is in, or null. */
  get fault(): ActiveFault | null {
    return this.#faults.active;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#server.connections;
  }

  async start(): Promise<{ readonly endpoints: readonly Endpoint[] }> {
    if (this.#started) throw new Error(`counter ${this.id} is already started`);
    this.#started = true;
    const address = await this.#server.listen();
    this.#faults.schedule(this.options.faults);
    const endpoint: Endpoint = { transport: 'tcp', host: address.address, port: address.port };
    this.#log.info({ endpoint }, 'counter started');
    return { endpoints: [endpoint] };
  }

  async stop(): Promise<void> {
    this.#faults.dispose();
    await this.#server.close();
  }

  /** Puts the device into a fault now (validated; a bad fault is a ConfigError). */
  inject(fault: Fault): void {
    const parsed = Fault.safeParse(fault);
    if (!parsed.success) {
      throw new ConfigError(
        'fault',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`),
      );
    }
    this.#faults.inject(parsed.data);
  }

  /** Ends the current fault. */
  clearFault(): void {
    this.#faults.clear();
  }

  #onFaultChange(active: ActiveFault | null): void {
    if (active === null) {
      this.#log.info('fault cleared');
      return;
    }
    this.#log.info({ fault: active.mode, until: active.until }, 'fault injected');
    if (active.mode === 'disconnect') this.#server.disconnectAll();
  }

  #serve(socket: Socket): void {
    if (this.#faults.mode === 'disconnect') {
      socket.end();
      return;
    }
    const splitter = new LineSplitter(COUNTER_MAX_LINE_BYTES);
    socket.on('data', (chunk: Buffer) => {
      for (const event of splitter.push(chunk)) {
        // After a disconnect fault ended the socket, requests still in flight go unanswered.
        if (!socket.writable) return;
        this.#requests += 1;
        const answer = this.#answer(event.kind === 'line' ? event.line : null);
        if (answer !== null && !socket.write(answer) && !socket.isPaused()) {
          // A client that pipelines requests without reading answers is slowed, not buffered.
          socket.pause();
          socket.once('drain', () => socket.resume());
        }
      }
    });
  }

  /** The bytes to send for one request line (null: the line was too long), or null for none. */
  #answer(line: Buffer | null): string | Buffer | null {
    const mode = this.#faults.mode;
    switch (mode) {
      case 'silent':
      case 'disconnect':
        return null;
      case 'garbage':
        // Faulted requests do not consume a seq: the numbers clients received stay contiguous.
        return garbageLine(this.#random);
      case null:
        break;
    }
    if (line === null) return LINE_TOO_LONG;
    switch (parseCounterCommand(line)) {
      case 'READ':
        this.#lastSeq += 1;
        return formatReading(this.#lastSeq, this.options.scale);
      case 'INFO':
        return formatInfo(this.id, this.#lastSeq);
      case null:
        return UNKNOWN_COMMAND;
    }
  }
}
