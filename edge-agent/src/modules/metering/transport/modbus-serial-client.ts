import ModbusSerial from 'modbus-serial';
import type { Clock } from '@hameau/protocol';
import type { ModbusWriteClient, ReadRequest, WriteRequest } from './modbus-client.js';
import { ReadFailure } from './read-failure.js';

// modbus-serial is CommonJS: its class is the module itself, also exported as `default`.
const ModbusRTU = ModbusSerial.default;
type Master = InstanceType<typeof ModbusRTU>;

/** Where a bus is and how to reach it. */
export type BusLinkSettings =
  | {
      readonly transport: 'rtu';
      readonly path: string;
      readonly baud: number;
      readonly parity: 'none' | 'even' | 'odd';
      readonly dataBits: 7 | 8;
      readonly stopBits: 1 | 2;
    }
  | { readonly transport: 'tcp' | 'rtu-over-tcp'; readonly host: string; readonly port: number };

/** What the client needs besides the link. */
export interface ModbusSerialClientOptions {
  readonly clock: Clock;
  /** A connection not made by then is a failure (a TCP connect to a dead host hangs for minutes). */
  readonly connectTimeoutMs: number;
}

/**
 * A `ModbusClient` over `modbus-serial`: RTU on a serial device (`connectRTUBuffered`), Modbus TCP
 * (`connectTCP`) and RTU frames over a TCP connection (`connectTelnet`, which despite its name is
 * the raw RTU-over-TCP mode of serial gateways; `connectTcpRTUBuffered` speaks Modbus TCP).
 *
 * Timeouts run on the injected clock, not modbus-serial's own timers. A lost connection or
 * vanished serial device closes the client and fails the read in flight at once; the owner
 * opens it again. On TCP links a timeout also drops the connection: it may be half-open, and a
 * late answer must not be read as the next request's.
 */
export class ModbusSerialClient implements ModbusWriteClient {
  readonly #link: BusLinkSettings;
  readonly #clock: Clock;
  readonly #connectTimeoutMs: number;
  #master: Master | null = null;
  /** Fails the read in flight, if any. */
  #failPending: ((failure: ReadFailure) => void) | null = null;

  constructor(link: BusLinkSettings, options: ModbusSerialClientOptions) {
    this.#link = link;
    this.#clock = options.clock;
    this.#connectTimeoutMs = options.connectTimeoutMs;
  }

  /** Whether the serial device or TCP connection is open. */
  get isOpen(): boolean {
    return this.#master?.isOpen === true;
  }

  /** Opens the device or connection, within the connect timeout on the clock. */
  async open(): Promise<void> {
    if (this.isOpen) return;
    await this.close();
    const master = new ModbusRTU();
    // modbus-serial re-emits serial port errors; an 'error' event without a listener would
    // crash the agent.
    master.on('error', (err) => {
      this.#lost(master, describe(err));
    });
    master.on('close', () => {
      this.#lost(master, 'connection lost');
    });
    this.#master = master;
    try {
      await this.#withTimeout(this.#connect(master), this.#connectTimeoutMs, () =>
        ReadFailure.disconnected('connect timeout'),
      );
    } catch (err) {
      if (this.#master === master) this.#master = null;
      quietlyRelease(master, this.#link.transport);
      throw err instanceof ReadFailure ? err : ReadFailure.disconnected(describe(err));
    }
  }

  /** Reads registers, within the request's timeout on the clock. */
  read(request: ReadRequest): Promise<readonly number[]> {
    const master = this.#master;
    if (master?.isOpen !== true) {
      return Promise.reject(ReadFailure.disconnected('not connected'));
    }
    master.setID(request.unitId);
    const reply =
      request.functionCode === 3
        ? master.readHoldingRegisters(request.address, request.count)
        : master.readInputRegisters(request.address, request.count);
    const words = reply.then(
      (result) => {
        if (result.data.length !== request.count) {
          throw new ReadFailure('garbage', 'garbage frame');
        }
        return result.data;
      },
      (err: unknown) => {
        throw classify(err);
      },
    );
    return this.#withTimeout(words, request.timeoutMs, () => {
      if (this.#link.transport !== 'rtu') void this.close();
      return ReadFailure.timeout();
    });
  }

  /**
   * Writes holding registers (FC 06 for one value, FC 16 for several) within the request's
   * timeout; an acknowledgement that does not echo the request is a `garbage` failure.
   */
  write(request: WriteRequest): Promise<void> {
    const master = this.#master;
    if (master?.isOpen !== true) {
      return Promise.reject(ReadFailure.disconnected('not connected'));
    }
    master.setID(request.unitId);
    const { address, values } = request;
    const [first] = values;
    const acknowledged =
      values.length === 1 && first !== undefined
        ? master
            .writeRegister(address, first)
            .then((ack) => ack.address === address && ack.value === first)
        : master
            .writeRegisters(address, [...values])
            .then((ack) => ack.address === address && ack.length === values.length);
    const done = acknowledged.then(
      (echoed) => {
        if (!echoed) throw new ReadFailure('garbage', 'garbage frame');
      },
      (err: unknown) => {
        throw classify(err);
      },
    );
    return this.#withTimeout(done, request.timeoutMs, () => {
      if (this.#link.transport !== 'rtu') void this.close();
      return ReadFailure.timeout();
    });
  }

  /** Closes the link; a read in flight fails as `disconnected`. */
  async close(): Promise<void> {
    const master = this.#master;
    this.#master = null;
    this.#failPending?.(ReadFailure.disconnected('closed'));
    if (master === null) return;
    await new Promise<void>((resolve) => {
      quietlyRelease(master, this.#link.transport, resolve);
    });
  }

  #connect(master: Master): Promise<void> {
    const link = this.#link;
    switch (link.transport) {
      case 'rtu':
        return master.connectRTUBuffered(link.path, {
          baudRate: link.baud,
          parity: link.parity,
          dataBits: link.dataBits,
          stopBits: link.stopBits,
        });
      case 'tcp':
        return master.connectTCP(link.host, { port: link.port });
      case 'rtu-over-tcp':
        return master.connectTelnet(link.host, { port: link.port });
    }
  }

  /**
   * Settles with `work`, or rejects with `onTimeout()` after `ms` on the clock, or with the
   * failure `close()` or a lost link hands over; whichever comes first.
   */
  #withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => ReadFailure): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.#clock.clearTimeout(timer);
        if (this.#failPending === fail) this.#failPending = null;
        fn();
      };
      const fail = (failure: ReadFailure) => {
        settle(() => {
          reject(failure);
        });
      };
      const timer = this.#clock.setTimeout(() => {
        settle(() => {
          reject(onTimeout());
        });
      }, ms);
      this.#failPending = fail;
      work.then(
        (value) => {
          settle(() => {
            resolve(value);
          });
        },
        (err: unknown) => {
          settle(() => {
            reject(err instanceof Error ? err : new Error(String(err)));
          });
        },
      );
    });
  }

  /** The link of `master` dropped by itself: forget it and fail the read waiting on it. */
  #lost(master: Master, detail: string): void {
    if (this.#master !== master) return;
    this.#master = null;
    this.#failPending?.(ReadFailure.disconnected(detail));
    quietlyRelease(master, this.#link.transport);
  }
}

/**
 * Closes (serial) or destroys (TCP) `master`, ignoring errors; `done` runs once it is released.
 * Its listeners stay: they ignore a master that is no longer the current one, and the 'error'
 * one must outlive it.
 */
function quietlyRelease(
  master: Master,
  transport: BusLinkSettings['transport'],
  done: () => void = () => undefined,
): void {
  try {
    if (transport === 'rtu') {
      master.close(() => {
        done();
      });
    } else {
      master.destroy(() => {
        done();
      });
    }
  } catch {
    done();
  }
}

/** Turns a modbus-serial error into a failure with a stable reason. */
export function classify(err: unknown): ReadFailure {
  if (err instanceof ReadFailure) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    message?: unknown;
    modbusCode?: unknown;
    code?: unknown;
  };
  if (typeof e.modbusCode === 'number') return ReadFailure.exception(e.modbusCode);
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (message === 'CRC error') return new ReadFailure('crc', 'crc');
  if (message.startsWith('Unexpected data error, expected address')) {
    return new ReadFailure('wrong-unit', 'wrong unit id');
  }
  if (message.startsWith('Data length error') || message.startsWith('Unexpected data error')) {
    return new ReadFailure('garbage', 'garbage frame');
  }
  if (message === 'Timed out') return ReadFailure.timeout();
  if (message === 'Port Not Open') return ReadFailure.disconnected('not connected');
  if (typeof e.code === 'string') return ReadFailure.disconnected(e.code);
  return new ReadFailure('garbage', 'garbage frame');
}

/** serialport's messages for the usual ways a serial device is missing, as errno names. */
const SERIAL_ERRORS: readonly (readonly [RegExp, string])[] = [
  [/no such file or directory/i, 'ENOENT'],
  [/permission denied/i, 'EACCES'],
  [/resource busy|cannot lock port/i, 'EBUSY'],
  [/input\/output error/i, 'EIO'],
];

/**
 * A short, stable, secret-free description of a link error: its errno code (serialport's
 * messages mapped to theirs), else its message.
 */
function describe(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string' && message !== '') {
      for (const [pattern, name] of SERIAL_ERRORS) if (pattern.test(message)) return name;
      return message.replace(/^(Error: )+/, '').slice(0, 120);
    }
  }
  return 'link error';
}
