import type { Logger } from 'pino';
import type { SerialPort } from 'serialport';
import { z } from 'zod';
import type { Clock, TimerHandle } from '@hameau/protocol';
import type { PickupDesk } from '../pickup-desk.js';
import {
  answerLine,
  extractCode,
  FORMAT_ERROR_LINE,
  INTERNAL_ERROR_LINE,
  isBlank,
} from './keypad-protocol.js';
import { LineReader } from './line-reader.js';

/** A serial keypad or barcode scanner (an entry of the locker module's `keypads`). */
export const KeypadConfig = z.strictObject({
  /** The serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/… */
  path: z.string().min(1),
  baudRate: z.int().min(300).max(921_600).default(9600),
  /** The terminal name codes read here are checked, locked out and reported under. */
  terminal: z.string().min(1).max(40).default('keypad'),
});
export type KeypadConfig = z.infer<typeof KeypadConfig>;

/** What `startSerialKeypad` needs. */
export interface SerialKeypadOptions {
  readonly desk: PickupDesk;
  readonly config: KeypadConfig;
  readonly log: Logger;
  readonly clock: Clock;
}

/** A running keypad reader. */
export interface SerialKeypad {
  /** Closes the port and stops reopening it. */
  stop(): Promise<void>;
}

/** Longest line taken, in bytes: an 8-digit code or a QR payload fits with room to spare. */
export const KEYPAD_MAX_LINE_BYTES = 64;
/** Reopening a lost or missing port: after `minMs`, doubling up to `maxMs` while it fails. */
export const KEYPAD_REOPEN = { minMs: 1_000, maxMs: 30_000 } as const;
/** Lines waiting for the desk; more are dropped (a flood is noise, not residents). */
const MAX_WAITING_LINES = 8;

/**
 * Reads codes from a serial keypad or scanner and hands them to the desk, one at a time, in the
 * order they came; each line gets a one-line answer back. A port that is missing at start or
 * vanishes (a USB adapter pulled out) is reopened on the clock until it returns, so the agent
 * never depends on the keypad being there. Codes are never logged.
 */
export async function startSerialKeypad(options: SerialKeypadOptions): Promise<SerialKeypad> {
  // Loaded on first use like firmware-sim does: a bank without keypads never needs the binding.
  const { SerialPort: Port } = await import('serialport');
  const reader = new KeypadReader(options, Port);
  await reader.open();
  return { stop: () => reader.stop() };
}

class KeypadReader {
  readonly #o: SerialKeypadOptions;
  readonly #Port: typeof SerialPort;
  readonly #log: Logger;
  readonly #lines = new LineReader(KEYPAD_MAX_LINE_BYTES);
  readonly #waiting: Buffer[] = [];
  #port: SerialPort | null = null;
  #reopen: TimerHandle | null = null;
  #backoffMs = 0;
  #down = false;
  #working = false;
  #stopped = false;

  constructor(options: SerialKeypadOptions, Port: typeof SerialPort) {
    this.#o = options;
    this.#Port = Port;
    // The caller may have bound the terminal already; a key bound twice is written twice.
    const { terminal, path } = options.config;
    this.#log = options.log.child(
      'terminal' in options.log.bindings() ? { path } : { terminal, path },
    );
  }

  /** Opens the port; on failure, logs and schedules the next attempt (never rejects). */
  async open(): Promise<void> {
    if (this.#stopped) return;
    const { path, baudRate } = this.#o.config;
    const port = new this.#Port({ path, baudRate, autoOpen: false });
    // An 'error' event without a listener would crash the agent.
    port.on('error', (err) => {
      this.#log.warn({ reason: err.message }, 'keypad port error');
    });
    try {
      await new Promise<void>((resolve, reject) => {
        port.open((err) => {
          if (err === null) resolve();
          else reject(err);
        });
      });
    } catch (err) {
      this.#retryLater(err instanceof Error ? err.message : String(err));
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- stop() may have run while the port was opening
    if (this.#stopped) {
      await closePort(port);
      return;
    }
    this.#port = port;
    this.#lines.clear();
    this.#backoffMs = 0;
    this.#log.info(this.#down ? 'keypad port back' : 'keypad port open');
    this.#down = false;
    port.on('data', (chunk: Buffer) => {
      this.#read(chunk);
    });
    port.on('close', (err?: Error | null) => {
      if (this.#port !== port) return;
      this.#port = null;
      this.#retryLater(err?.message ?? 'closed');
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#reopen !== null) this.#o.clock.clearTimeout(this.#reopen);
    this.#reopen = null;
    this.#waiting.length = 0;
    const port = this.#port;
    this.#port = null;
    if (port !== null) await closePort(port);
  }

  #retryLater(reason: string): void {
    if (this.#stopped) return;
    this.#backoffMs =
      this.#backoffMs === 0
        ? KEYPAD_REOPEN.minMs
        : Math.min(this.#backoffMs * 2, KEYPAD_REOPEN.maxMs);
    // Warned once per outage; the retries that keep failing are only debug noise.
    if (this.#down) {
      this.#log.debug({ reason, retryInMs: this.#backoffMs }, 'keypad port still unavailable');
    } else {
      this.#log.warn({ reason, retryInMs: this.#backoffMs }, 'keypad port unavailable');
    }
    this.#down = true;
    this.#reopen = this.#o.clock.setTimeout(() => {
      this.#reopen = null;
      void this.open();
    }, this.#backoffMs);
  }

  #read(chunk: Buffer): void {
    for (const line of this.#lines.push(chunk)) {
      if (line.kind === 'too-long') {
        this.#log.warn({ maxBytes: KEYPAD_MAX_LINE_BYTES }, 'keypad line too long: discarded');
      } else if (this.#waiting.length >= MAX_WAITING_LINES) {
        this.#log.warn('keypad lines come faster than codes are checked: line dropped');
      } else if (!isBlank(line.bytes)) {
        this.#waiting.push(line.bytes);
      }
    }
    void this.#work();
  }

  /** Answers waiting lines one by one, so answers go back in the order the lines came. */
  async #work(): Promise<void> {
    if (this.#working) return;
    this.#working = true;
    try {
      for (let line = this.#waiting.shift(); line !== undefined; line = this.#waiting.shift()) {
        this.#write(await this.#answer(line));
      }
    } finally {
      this.#working = false;
    }
  }

  async #answer(line: Buffer): Promise<string> {
    const code = extractCode(line);
    if (code === null) {
      this.#log.debug({ bytes: line.length }, 'keypad line holds no code');
      return FORMAT_ERROR_LINE;
    }
    try {
      const outcome = await this.#o.desk.submitCode(this.#o.config.terminal, code);
      if (outcome.status === 'opened') {
        this.#log.info({ box: outcome.box, kind: outcome.kind }, 'keypad code opened a box');
      } else {
        this.#log.info({ reason: outcome.reason }, 'keypad code rejected');
      }
      return answerLine(outcome);
    } catch (err) {
      // The desk promises never to throw; if it does, its message is logged, the code is not.
      this.#log.error({ reason: err instanceof Error ? err.message : 'unknown' }, 'desk failed');
      return INTERNAL_ERROR_LINE;
    }
  }

  #write(answer: string): void {
    const port = this.#port;
    if (port?.isOpen !== true) {
      this.#log.debug('keypad answer dropped: the port is closed');
      return;
    }
    port.write(`${answer}\r\n`, (err) => {
      if (err) this.#log.debug({ reason: err.message }, 'keypad answer not written');
    });
  }
}

function closePort(port: SerialPort): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise<void>((resolve) => {
    // A device that already vanished can make close fail; the port is released either way.
    port.close(() => {
      resolve();
    });
  });
}
