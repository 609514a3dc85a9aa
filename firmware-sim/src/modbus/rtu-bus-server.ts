import type { Clock, TimerHandle } from '@hameau/protocol';
import type { Logger } from 'pino';
import type { ByteLink } from '../transport/byte-link.js';
import { decodeRtuFrame, encodeRtuFrame } from './modbus-rtu-frame.js';
import type { ModbusUnit } from './modbus-unit.js';
import { RtuRequestSplitter } from './rtu-request-splitter.js';
import { rtuReplyDelayMs, rtuSilenceMs } from './rtu-timing.js';

/** Options of an `RtuBusServer`. */
export interface RtuBusServerOptions {
  /** Names the bus in logs. */
  readonly busId: string;
  readonly clock: Clock;
  readonly log: Logger;
  readonly link: ByteLink;
  /** Every unit on the bus; each answers only requests to its own unit id. */
  readonly units: readonly ModbusUnit[];
  readonly baud: number;
  /** Delay replies by their wire time at `baud` (see `rtuReplyDelayMs`); false answers at once. */
  readonly emulateTiming: boolean;
  /** The device's turnaround time, added when timing is emulated. */
  readonly turnaroundMs: number;
}

/**
 * Several Modbus RTU slaves sharing one serial line, as meters daisy-chained on RS485 do. A
 * request with a bad CRC or for a unit id nobody has is ignored, as real slaves do; broadcasts
 * (unit 0) get no answer, since reads cannot be broadcast.
 */
export class RtuBusServer {
  readonly #options: RtuBusServerOptions;
  readonly #units = new Map<number, ModbusUnit>();
  readonly #splitter: RtuRequestSplitter;
  readonly #timers = new Set<TimerHandle>();
  #frames = 0;
  #crcErrors = 0;
  #closed = false;

  constructor(options: RtuBusServerOptions) {
    this.#options = options;
    for (const unit of options.units) this.#units.set(unit.unitId, unit);
    this.#splitter = new RtuRequestSplitter({
      clock: options.clock,
      silenceMs: rtuSilenceMs(options.baud),
      onFrame: (frame) => {
        this.#handle(frame);
      },
    });
    options.link.onData((chunk) => {
      if (!this.#closed) this.#splitter.push(chunk);
    });
  }

  /** Frames seen on the bus (any unit, good or bad CRC). */
  get frames(): number {
    return this.#frames;
  }

  /** Frames dropped for a bad CRC or because they were too short. */
  get crcErrors(): number {
    return this.#crcErrors;
  }

  /** Cancels pending replies and closes the link. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#splitter.dispose();
    for (const handle of this.#timers) this.#options.clock.clearTimeout(handle);
    this.#timers.clear();
    await this.#options.link.close();
  }

  #handle(bytes: Buffer): void {
    this.#frames += 1;
    const request = decodeRtuFrame(bytes);
    if (request === null) {
      this.#crcErrors += 1;
      this.#options.log.debug(
        { bus: this.#options.busId, frame: bytes.toString('hex') },
        'dropped a frame with a bad CRC',
      );
      return;
    }
    const unit = this.#units.get(request.unitId);
    if (unit === undefined) return;
    const answer = unit.answer(request.pdu);
    if (answer.kind === 'none') return;
    const reply = encodeRtuFrame(answer.unitId, answer.pdu, { corruptCrc: answer.corruptCrc });
    const { emulateTiming, baud, turnaroundMs } = this.#options;
    const wireMs = emulateTiming
      ? rtuReplyDelayMs(bytes.length, reply.length, baud, turnaroundMs)
      : 0;
    this.#send(reply, wireMs + answer.delayMs);
  }

  #send(reply: Buffer, delayMs: number): void {
    if (delayMs <= 0) {
      this.#options.link.write(reply);
      return;
    }
    const handle = this.#options.clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (!this.#closed) this.#options.link.write(reply);
    }, delayMs);
    this.#timers.add(handle);
  }
}
