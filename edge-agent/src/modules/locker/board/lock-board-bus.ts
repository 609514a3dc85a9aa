/** One lock on an RS485 bus: the board (0–15, the address's high nibble) and its lock (0–15). */
export interface LockAddress {
  readonly board: number;
  readonly lock: number;
}

/** One board's sensors as its status reply reports them, indexed by lock (0–15). */
export interface BoardStatus {
  readonly board: number;
  /** True when the hook is engaged: the door is shut and locked. */
  readonly locked: readonly boolean[];
  /** True when the infrared sensor sees an item in the box. */
  readonly itemPresent: readonly boolean[];
}

/**
 * How a board answered its status reads since the bus started: one read counts once, after the
 * driver's retries. Why a read failed is one of the driver's failure kinds.
 */
export interface BoardPollStats {
  /** Milliseconds since the epoch, on the injected clock; null before any answer. */
  readonly lastOkAt: number | null;
  readonly ok: number;
  readonly failed: number;
  readonly lastError: 'timeout' | 'checksum' | 'link-down' | 'unknown-board' | null;
}

/** A sensor bit that changed between two status polls of a board. */
export type LockChange =
  | { readonly kind: 'door-opened'; readonly address: LockAddress }
  | { readonly kind: 'door-closed'; readonly address: LockAddress }
  | { readonly kind: 'item-placed'; readonly address: LockAddress }
  | { readonly kind: 'item-removed'; readonly address: LockAddress };

/** What a bus tells its listener. A board that stops answering is unknown, never "closed". */
export interface LockBoardListener {
  /** Bit changes since the previous good status of a board, in lock order. */
  onChanges?(board: number, changes: readonly LockChange[], status: BoardStatus): void;
  /** A board gave no valid reply after the retries; its doors are now unknown. */
  onUnreachable?(board: number, reason: string): void;
  /** A board answers again after `onUnreachable`. */
  onRecovered?(board: number, status: BoardStatus): void;
}

/**
 * One RS485 bus of Kerong-style lock boards, over a serial device or a TCP gateway. All access is
 * serialized (a bus carries one frame at a time) and unlocks go ahead of queued polls.
 */
export interface LockBoardBus {
  /** Opens the transport and starts polling every configured board. Energises nothing. */
  start(): Promise<void>;
  /** Stops polling and closes the transport. */
  stop(): Promise<void>;
  /**
   * Writes the unlock frame for one lock and resolves once it is on the wire; rejects when the
   * transport is down. Whether the door opened is seen in the following status polls.
   */
  unlock(address: LockAddress): Promise<void>;
  /** Reads a board's status now, with retries; rejects with the reason when no valid reply comes. */
  readStatus(board: number): Promise<BoardStatus>;
  /** The last good status of a board, or null when it is unknown (never read, or unreachable). */
  lastStatus(board: number): BoardStatus | null;
  /** A board's status reads so far, or null for a board not on this bus. */
  pollStats(board: number): BoardPollStats | null;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: LockBoardListener): () => void;
}
