/**
 * Kerong-style lock board frames as the simulated boards read and write them
 * (docs/lock-board.md): `STX ADDR CMD [data…] ETX SUM`, SUM the low byte of the sum of every
 * byte before it. Written for the simulator alone: the edge agent's driver has its own, so a
 * misreading of the protocol on either side shows up in their tests against each other.
 */

export const LOCK_STX = 0x02;
export const LOCK_ETX = 0x03;
/** Status of one board: the request's lock nibble is 0; the reply carries hook and IR bits. */
export const LOCK_CMD_STATUS = 0x30;
/** Pulse one lock. The board never answers it. */
export const LOCK_CMD_UNLOCK = 0x31;
/** `STX ADDR CMD ETX SUM`. */
export const LOCK_REQUEST_BYTES = 5;
/** `STX ADDR 30 hook1-8 hook9-16 ir1-8 ir9-16 ETX SUM`. */
export const LOCK_STATUS_REPLY_BYTES = 9;
/** Locks per board: the address's low nibble. */
export const LOCKS_PER_BOARD = 16;

/** The low byte of the sum of `bytes[0..end)`. */
export function lockFrameSum(bytes: Uint8Array, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum += bytes[i] ?? 0;
  return sum & 0xff;
}

/** A request a board received: its board (high nibble), lock (low nibble) and command. */
export interface LockBoardRequest {
  readonly board: number;
  readonly lock: number;
  readonly command: number;
}

/** The 5-byte request frame (what the agent sends; tests and tools build it with this). */
export function encodeLockRequest(request: LockBoardRequest): Buffer {
  const frame = Buffer.from([
    LOCK_STX,
    ((request.board & 0x0f) << 4) | (request.lock & 0x0f),
    request.command,
    LOCK_ETX,
    0,
  ]);
  frame[4] = lockFrameSum(frame, 4);
  return frame;
}

/** Options of `encodeStatusReply`. */
export interface StatusReplyOptions {
  /** Sends a wrong SUM (its bits inverted), as noise on the line would. */
  readonly corruptSum?: boolean;
}

/**
 * The 9-byte status reply of `board`. `locked[i]` is the hook bit of lock i (1: door shut and
 * locked), `items[i]` its infrared bit (1: an item is in the box); bit 0 of the first byte of
 * each pair is lock 0, bit 7 of the second is lock 15.
 */
export function encodeStatusReply(
  board: number,
  locked: readonly boolean[],
  items: readonly boolean[],
  options: StatusReplyOptions = {},
): Buffer {
  const hooks = packBits(locked);
  const ir = packBits(items);
  const frame = Buffer.from([
    LOCK_STX,
    (board & 0x0f) << 4,
    LOCK_CMD_STATUS,
    hooks & 0xff,
    hooks >> 8,
    ir & 0xff,
    ir >> 8,
    LOCK_ETX,
    0,
  ]);
  const sum = lockFrameSum(frame, LOCK_STATUS_REPLY_BYTES - 1);
  frame[LOCK_STATUS_REPLY_BYTES - 1] = options.corruptSum === true ? sum ^ 0xff : sum;
  return frame;
}

/** 16 flags as a 16-bit number, flag i in bit i. */
function packBits(flags: readonly boolean[]): number {
  let bits = 0;
  for (let i = 0; i < LOCKS_PER_BOARD; i++) if (flags[i] === true) bits |= 1 << i;
  return bits;
}

/** What the splitter found in the byte stream. */
export type LockRequestEvent =
  | { readonly kind: 'request'; readonly request: LockBoardRequest }
  /** Bytes skipped: no STX, or an STX whose frame has no ETX in place or a wrong SUM. */
  | { readonly kind: 'dropped'; readonly bytes: number; readonly reason: 'garbage' | 'sum' };

/**
 * Cuts the bytes a board hears into request frames. Like a board's firmware it hunts for STX,
 * and a candidate frame without ETX in place or with a wrong SUM costs only its STX byte, so a
 * stray 0x02 in noise never hides the real frame right behind it.
 */
export class LockRequestSplitter {
  #buffer: Buffer = Buffer.alloc(0);

  /** Feeds received bytes; returns the requests (and skipped bytes) they complete, in order. */
  push(chunk: Buffer): LockRequestEvent[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const events: LockRequestEvent[] = [];
    let garbage = 0;
    const flushGarbage = () => {
      if (garbage > 0) events.push({ kind: 'dropped', bytes: garbage, reason: 'garbage' });
      garbage = 0;
    };
    let at = 0;
    const buf = this.#buffer;
    while (at < buf.length) {
      if (buf[at] !== LOCK_STX) {
        garbage += 1;
        at += 1;
        continue;
      }
      if (buf.length - at < LOCK_REQUEST_BYTES) break;
      if (buf[at + 3] !== LOCK_ETX) {
        garbage += 1;
        at += 1;
        continue;
      }
      if (lockFrameSum(buf.subarray(at, at + 4)) !== buf[at + 4]) {
        flushGarbage();
        events.push({ kind: 'dropped', bytes: 1, reason: 'sum' });
        at += 1;
        continue;
      }
      flushGarbage();
      const address = buf[at + 1] ?? 0;
      events.push({
        kind: 'request',
        request: { board: address >> 4, lock: address & 0x0f, command: buf[at + 2] ?? 0 },
      });
      at += LOCK_REQUEST_BYTES;
    }
    flushGarbage();
    // Keep only an incomplete frame's bytes (at most 4): the buffer never grows.
    this.#buffer = Buffer.from(buf.subarray(at));
    return events;
  }
}
