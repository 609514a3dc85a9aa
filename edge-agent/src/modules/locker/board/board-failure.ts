/**
 * Why a lock board request failed:
 * - `timeout`: no valid reply within the reply timeout;
 * - `checksum`: a reply came with a wrong SUM;
 * - `link-down`: the serial device or TCP gateway is not reachable now;
 * - `unknown-board`: the board is not configured on this bus;
 * - `stopped`: the bus was stopped.
 */
export type BoardFailureKind = 'timeout' | 'checksum' | 'link-down' | 'unknown-board' | 'stopped';

/** A lock board request that failed; `kind` says why, the message says it for people. */
export class BoardFailure extends Error {
  readonly kind: BoardFailureKind;

  constructor(kind: BoardFailureKind, message: string) {
    super(message);
    this.name = 'BoardFailure';
    this.kind = kind;
  }
}
