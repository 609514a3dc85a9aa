/**
 * Wire time on a lock board's serial line. Unlike Modbus RTU (always 11 bits a character), the
 * bits a character takes follow the line settings: start bit, 8 data bits, the parity bit if
 * any, and the stop bits; 10 for the boards' factory 8N1.
 */

/** Line settings that decide how long a character takes. */
export interface LockLineSettings {
  readonly baud: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

/** Default time a board takes between the end of a request and the start of its reply, ms. */
export const LOCK_BOARD_TURNAROUND_MS = 2;

/** Bits on the wire per character: 10 for 8N1, 11 with parity or a second stop bit, 12 for 8E2. */
export function lockBitsPerChar(line: LockLineSettings): number {
  return 1 + 8 + (line.parity === 'none' ? 0 : 1) + line.stopBits;
}

/** How long `bytes` characters take on the wire, ms. */
export function lockFrameMs(bytes: number, line: LockLineSettings): number {
  return (bytes * lockBitsPerChar(line) * 1000) / line.baud;
}

/**
 * How long after a request reached the simulator its reply is complete on the agent's side. A
 * pty (or the TCP gateway's socket) hands the request over at once, so its own wire time is
 * counted here: request on the wire, the board's turnaround, then the reply on the wire. At
 * 19,200 baud 8N1 a status poll (5 + 9 bytes) takes 7.29 ms plus the turnaround.
 */
export function lockReplyDelayMs(
  requestBytes: number,
  replyBytes: number,
  line: LockLineSettings,
  turnaroundMs: number,
): number {
  return lockFrameMs(requestBytes, line) + turnaroundMs + lockFrameMs(replyBytes, line);
}
