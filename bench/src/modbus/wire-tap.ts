import type { ByteLink } from '@hameau/firmware-sim';
import { READ_REQUEST_BYTES, replyDelayMs } from './rtu-cycle.js';

/** One read request as it crossed the line. */
export interface ReadShape {
  readonly unitId: number;
  readonly functionCode: number;
  readonly address: number;
  readonly count: number;
}

/** What the tap saw on the line since its last `mark()`. */
export interface TapWindow {
  /** Since the mark, in ms on the tap's clock. */
  readonly elapsedMs: number;
  /** Frames from the master that were not 8-byte reads (nothing the agent should send). */
  readonly otherFrames: number;
  /**
   * Per answered request: how much later than its emulated wire time the simulator wrote the
   * reply (reply written − request received − `replyDelayMs`), ms.
   */
  readonly replyLateMs: readonly number[];
  /**
   * Requests that got no reply before the master moved on, by unit id: how many, and the bus
   * time they held (from each to the request after it: the master's timeout and gap).
   */
  readonly unanswered: Readonly<Record<number, { readonly count: number; readonly ms: number }>>;
  /**
   * Per answered request followed by another request: from the reply written to the next
   * request received, ms. On a real line this is the master's t3.5 and nothing more.
   */
  readonly masterGapMs: readonly number[];
}

/** Options of a `WireTap`. */
export interface WireTapOptions {
  readonly baud: number;
  readonly turnaroundMs: number;
  /** A monotonic clock in ms (`performance.now` by default). */
  readonly now?: () => number;
}

/**
 * The simulator's end of an RTU line with a stopwatch on it: it passes bytes through unchanged,
 * and notes each read request the master sends (unit, function, address, count) and when, and
 * when each reply leaves. That gives the poll plan as it is really on the wire, and splits the
 * time of each request into the simulator's part (its reply, against its emulated wire time)
 * and the master's part (the gap before its next request).
 *
 * The agent only sends 8-byte read requests, one at a time, so a frame is the next 8 bytes.
 */
export class WireTap implements ByteLink {
  readonly #link: ByteLink;
  readonly #baud: number;
  readonly #turnaroundMs: number;
  readonly #now: () => number;
  readonly #plans = new Map<number, ReadShape[]>();
  #pending: Buffer = Buffer.alloc(0);
  /** The request waiting for its reply, if any. */
  #open: { readonly at: number; readonly unitId: number } | null = null;
  #lastReplyAt: number | null = null;
  #window = newWindow(0);

  constructor(link: ByteLink, options: WireTapOptions) {
    this.#link = link;
    this.#baud = options.baud;
    this.#turnaroundMs = options.turnaroundMs;
    this.#now = options.now ?? (() => performance.now());
    this.#window = newWindow(this.#now());
  }

  write(bytes: Buffer): void {
    const now = this.#now();
    if (this.#open !== null) {
      const ideal = replyDelayMs(
        READ_REQUEST_BYTES,
        bytes.length,
        this.#baud,
        this.#turnaroundMs,
        true,
      );
      this.#window.replyLateMs.push(now - this.#open.at - ideal);
      this.#open = null;
      this.#lastReplyAt = now;
    }
    this.#link.write(bytes);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.#link.onData((chunk) => {
      this.#heard(chunk);
      listener(chunk);
    });
  }

  close(): Promise<void> {
    return this.#link.close();
  }

  /** Starts a new window: what `window()` reports from now on. */
  mark(): void {
    this.#window = newWindow(this.#now());
  }

  /** What was seen since the last mark (or since the tap was made). */
  window(): TapWindow {
    const { startedAt, ...rest } = this.#window;
    return {
      ...rest,
      elapsedMs: this.#now() - startedAt,
      unanswered: { ...rest.unanswered },
      replyLateMs: [...rest.replyLateMs],
      masterGapMs: [...rest.masterGapMs],
    };
  }

  /** Each unit's distinct reads in the order first seen: the plan its poller follows. */
  plans(): ReadonlyMap<number, readonly ReadShape[]> {
    return this.#plans;
  }

  #heard(chunk: Buffer): void {
    const now = this.#now();
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= READ_REQUEST_BYTES) {
      const frame = this.#pending.subarray(0, READ_REQUEST_BYTES);
      this.#pending = this.#pending.subarray(READ_REQUEST_BYTES);
      this.#request(frame, now);
    }
  }

  #request(frame: Buffer, now: number): void {
    const functionCode = frame.readUInt8(1);
    if (functionCode !== 3 && functionCode !== 4) {
      this.#window.otherFrames += 1;
      this.#pending = Buffer.alloc(0);
      return;
    }
    // A request after an unanswered one came after a timeout: that gap is not overhead, it is
    // the bus time the silent unit cost.
    if (this.#open !== null) {
      const silent = this.#window.unanswered[this.#open.unitId] ?? { count: 0, ms: 0 };
      this.#window.unanswered[this.#open.unitId] = {
        count: silent.count + 1,
        ms: silent.ms + now - this.#open.at,
      };
    } else if (this.#lastReplyAt !== null) {
      this.#window.masterGapMs.push(now - this.#lastReplyAt);
    }
    this.#lastReplyAt = null;
    const shape: ReadShape = {
      unitId: frame.readUInt8(0),
      functionCode,
      address: frame.readUInt16BE(2),
      count: frame.readUInt16BE(4),
    };
    this.#open = { at: now, unitId: shape.unitId };
    const plan = this.#plans.get(shape.unitId) ?? [];
    const known = plan.some(
      (s) =>
        s.functionCode === functionCode && s.address === shape.address && s.count === shape.count,
    );
    if (!known) {
      plan.push(shape);
    }
    this.#plans.set(shape.unitId, plan);
  }
}

function newWindow(startedAt: number) {
  return {
    startedAt,
    otherFrames: 0,
    unanswered: {} as Record<number, { count: number; ms: number }>,
    replyLateMs: [] as number[],
    masterGapMs: [] as number[],
  };
}
