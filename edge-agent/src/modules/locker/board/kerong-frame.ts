import type { BoardStatus, LockAddress } from './lock-board-bus.js';

/**
 * Kerong-style lock board frames (docs/lock-board.md): `STX ADDR CMD [data] ETX SUM`, where
 * ADDR's high nibble is the board (0-15) and its low nibble the lock (0-15), and SUM is the low
 * byte of the sum of every byte before it. Pure functions and a streaming parser, so the bytes
 * are tested without a bus.
 */

export const KERONG_STX = 0x02;
export const KERONG_ETX = 0x03;
/** Status of one board. */
export const KERONG_CMD_STATUS = 0x30;
/** Pulse one lock; the board sends no reply. */
export const KERONG_CMD_UNLOCK = 0x31;
/** `STX ADDR 30 hook1-8 hook9-16 ir1-8 ir9-16 ETX SUM`. */
export const KERONG_STATUS_REPLY_LENGTH = 9;
/** Boards on a bus and locks on a board: a nibble each. */
export const KERONG_MAX_BOARD = 15;
export const KERONG_MAX_LOCK = 15;

/** The low byte of the sum of `bytes[0..end)`. */
export function kerongChecksum(bytes: Uint8Array, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum = (sum + (bytes[i] ?? 0)) & 0xff;
  return sum;
}

function request(address: number, command: number): Buffer {
  const frame = Buffer.from([KERONG_STX, address, command, KERONG_ETX, 0]);
  frame[4] = kerongChecksum(frame, 4);
  return frame;
}

function nibble(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 15) {
    throw new RangeError(`${what} must be an integer 0-15, got ${value}`);
  }
  return value;
}

/**
 * The unlock frame of one lock. Locks are numbered from 0, as the status bits are: the first
 * lock of board 0 (lock 0, "lock 1" on the cabinet's labels) is `02 00 31 03 36`, lock 5 of
 * board 2 is `02 25 31 03 5B`.
 */
export function encodeUnlock(address: LockAddress): Buffer {
  return request(
    (nibble('board', address.board) << 4) | nibble('lock', address.lock),
    KERONG_CMD_UNLOCK,
  );
}

/** The status request of one board (lock nibble 0): board 2 is `02 20 30 03 55`. */
export function encodeStatusRequest(board: number): Buffer {
  return request(nibble('board', board) << 4, KERONG_CMD_STATUS);
}

/**
 * A board's status from the four data bytes of its reply: hook bits, then IR bits, each as
 * locks 0-7 (bit 0 = lock 0) then 8-15. A hook bit of 1 is a locked door, an IR bit of 1 an item.
 */
export function decodeStatusData(board: number, data: Uint8Array): BoardStatus {
  const hooks = (data[0] ?? 0) | ((data[1] ?? 0) << 8);
  const ir = (data[2] ?? 0) | ((data[3] ?? 0) << 8);
  const locked: boolean[] = [];
  const itemPresent: boolean[] = [];
  for (let lock = 0; lock <= KERONG_MAX_LOCK; lock++) {
    locked.push((hooks & (1 << lock)) !== 0);
    itemPresent.push((ir & (1 << lock)) !== 0);
  }
  return { board, locked, itemPresent };
}

/** Why a well-delimited frame was refused. */
export type RejectReason =
  /** STX…ETX in place but a wrong SUM: the expected reply, corrupted on the line. */
  | 'checksum'
  /** A valid frame from another address (a late reply to an earlier request). */
  | 'address'
  /** A valid frame with a command other than status. */
  | 'command'
  /** A valid frame while no reply is awaited. */
  | 'unsolicited';

/** What the parser made of the bytes received. */
export type ReplyEvent =
  | { readonly kind: 'status'; readonly status: BoardStatus }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly frame: Buffer }
  /** Bytes skipped while hunting for STX (noise, a frame cut short). */
  | { readonly kind: 'garbage'; readonly bytes: number };

/**
 * Cuts the bytes a bus receives into status replies. It hunts for STX, and a candidate without
 * ETX in place costs only its STX byte, so a stray 0x02 in noise never hides a real reply right
 * behind it. A frame with a bad SUM, from an address other than the one `expect`ed, or with
 * another command is reported as rejected, never as a status.
 */
export class KerongReplyParser {
  #buffer: Buffer = Buffer.alloc(0);
  #expected: number | null = null;

  /**
   * The board whose reply is awaited now (null: none). Bytes left over from before are
   * dropped: whatever they were, they are not the reply to the request about to be sent.
   */
  expect(board: number | null): void {
    this.#expected = board;
    this.#buffer = Buffer.alloc(0);
  }

  /** Feeds received bytes; returns what they complete, in order. */
  push(chunk: Buffer): ReplyEvent[] {
    const buf = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const events: ReplyEvent[] = [];
    let garbage = 0;
    const flushGarbage = () => {
      if (garbage > 0) events.push({ kind: 'garbage', bytes: garbage });
      garbage = 0;
    };
    let at = 0;
    while (at < buf.length) {
      if (buf[at] !== KERONG_STX) {
        garbage += 1;
        at += 1;
        continue;
      }
      const end = at + KERONG_STATUS_REPLY_LENGTH;
      if (end > buf.length) break;
      if (buf[end - 2] !== KERONG_ETX) {
        garbage += 1;
        at += 1;
        continue;
      }
      flushGarbage();
      const frame = Buffer.from(buf.subarray(at, end));
      if (kerongChecksum(frame, KERONG_STATUS_REPLY_LENGTH - 1) !== frame[end - at - 1]) {
        // The STX may itself be noise: resync from the next byte rather than skip the frame.
        events.push({ kind: 'rejected', reason: 'checksum', frame });
        at += 1;
        continue;
      }
      events.push(this.#decode(frame));
      at = end;
    }
    flushGarbage();
    this.#buffer = Buffer.from(buf.subarray(at));
    return events;
  }

  #decode(frame: Buffer): ReplyEvent {
    if (frame[2] !== KERONG_CMD_STATUS) return { kind: 'rejected', reason: 'command', frame };
    if (this.#expected === null) return { kind: 'rejected', reason: 'unsolicited', frame };
    if (frame[1] !== this.#expected << 4) return { kind: 'rejected', reason: 'address', frame };
    return { kind: 'status', status: decodeStatusData(this.#expected, frame.subarray(3, 7)) };
  }
}
