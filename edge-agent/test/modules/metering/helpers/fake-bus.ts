import { sleep, type Clock } from '@hameau/protocol';
import type {
  ModbusClient,
  ReadRequest,
} from '../../../../src/modules/metering/transport/modbus-client.js';
import { ReadFailure } from '../../../../src/modules/metering/transport/read-failure.js';
import {
  rtuFrameGapMs,
  rtuTransferMs,
} from '../../../../src/modules/metering/transport/rtu-timing.js';
import { wordsOf, type RegisterImage } from './register-image.js';

/** How a unit on the fake bus behaves. */
export type UnitBehaviour =
  | { readonly kind: 'ok'; image: RegisterImage }
  | { readonly kind: 'dead' }
  | { readonly kind: 'fail'; readonly failure: () => ReadFailure };

/** One request as the bus saw it, with the clock time it started. */
export interface FakeRequest extends ReadRequest {
  readonly at: number;
}

/**
 * An RTU line in memory, for the tests that count reads on a `ManualClock` (a real line cannot
 * be timed on one). Each request takes the time the reference gives for it at `baud`: request
 * and reply bytes on the wire, the unit's t3.5 and its turnaround. A dead unit never answers,
 * so the request takes its whole timeout. The link can be dropped and refused like a gateway
 * that is unplugged.
 */
export class FakeBus implements ModbusClient {
  readonly units = new Map<number, UnitBehaviour>();
  readonly requests: FakeRequest[] = [];
  /** While true, `open` fails like a gateway that is unplugged. */
  refuseOpen = false;
  opens = 0;
  /** The most requests ever on the line at once: a real RTU line garbles anything above 1. */
  maxInFlight = 0;
  #inFlight = 0;
  #open = false;
  #failPending: ((f: ReadFailure) => void) | null = null;

  constructor(
    readonly clock: Clock,
    readonly baud = 9_600,
    readonly turnaroundMs = 0,
  ) {}

  get isOpen(): boolean {
    return this.#open;
  }

  open(): Promise<void> {
    if (this.refuseOpen) return Promise.reject(ReadFailure.disconnected('ECONNREFUSED'));
    this.opens++;
    this.#open = true;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    this.#failPending?.(ReadFailure.disconnected('closed'));
    return Promise.resolve();
  }

  /** The link drops by itself (a TCP reset, a USB adapter pulled out). */
  drop(): void {
    this.#open = false;
    this.#failPending?.(ReadFailure.disconnected('connection lost'));
  }

  /** Reads served to `unitId` so far (answered or not). */
  count(unitId: number): number {
    return this.requests.filter((r) => r.unitId === unitId).length;
  }

  async read(request: ReadRequest): Promise<readonly number[]> {
    if (!this.#open) throw ReadFailure.disconnected('not connected');
    this.requests.push({ ...request, at: this.clock.now() });
    const unit = this.units.get(request.unitId) ?? { kind: 'dead' };
    const wire =
      rtuTransferMs(8 + 5 + 2 * request.count, this.baud) +
      rtuFrameGapMs(this.baud) +
      this.turnaroundMs;
    const lost = new Promise<never>((_, reject) => {
      this.#failPending = reject;
    });
    const waited = unit.kind === 'dead' ? request.timeoutMs : wire;
    this.#inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    try {
      await Promise.race([sleep(this.clock, waited), lost]);
    } finally {
      this.#inFlight--;
      this.#failPending = null;
    }
    switch (unit.kind) {
      case 'dead':
        throw ReadFailure.timeout();
      case 'fail':
        throw unit.failure();
      case 'ok':
        return wordsOf(unit.image, request);
    }
  }
}
