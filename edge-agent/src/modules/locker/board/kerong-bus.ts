import type { Clock, TimerHandle } from '@hameau/protocol';
import type { Logger } from 'pino';
import { BoardFailure } from './board-failure.js';
import { describeError, type ByteTransport } from './byte-transport.js';
import { createByteTransport } from './create-byte-transport.js';
import type { KerongBusConfig } from './kerong-bus-config.js';
import {
  KERONG_MAX_LOCK,
  KerongReplyParser,
  encodeStatusRequest,
  encodeUnlock,
} from './kerong-frame.js';
import { FrameQueue } from './frame-queue.js';
import type {
  BoardPollStats,
  BoardStatus,
  LockAddress,
  LockBoardBus,
  LockBoardListener,
} from './lock-board-bus.js';
import { diffStatus } from './status-diff.js';

/** What a `KerongBus` runs on. */
export interface KerongBusOptions {
  /** The bus's configuration, validated by `KerongBusConfig`. */
  readonly config: KerongBusConfig;
  readonly clock: Clock;
  readonly log: Logger;
  /** The byte link; built from `config.transport` when not given (tests inject their own). */
  readonly transport?: ByteTransport;
}

/** A board's health: `unknown` until its first answer or failure. */
interface BoardState {
  health: 'unknown' | 'ok' | 'unreachable';
  /** The last good status; null while unknown or unreachable. */
  status: BoardStatus | null;
  polls: BoardPollStats;
}

const NO_POLLS: BoardPollStats = { lastOkAt: null, ok: 0, failed: 0, lastError: null };

/** The status request on the wire, awaiting its reply. */
interface PendingReply {
  readonly board: number;
  resolve(status: BoardStatus): void;
  fail(failure: BoardFailure): void;
}

/**
 * A `LockBoardBus` for Kerong-style boards (docs/lock-board.md). One frame is on the wire at a
 * time (`FrameQueue`: unlocks before polls). Every `pollMs` a round reads each board's status,
 * with `retries` more attempts after a timeout or a bad checksum; a board that still gives no
 * valid reply is unreachable (its doors unknown, never "closed") until it answers again. Bit
 * changes between good statuses go to the listeners. A lost link (device unplugged, gateway
 * connection dropped) is reopened on the injected clock with a doubling backoff.
 *
 * Boards send nothing back to an unlock: `unlock` resolves once the frame is written, and the
 * door opening shows in the following polls as a `door-opened` change.
 */
export class KerongBus implements LockBoardBus {
  readonly #config: KerongBusConfig;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #transport: ByteTransport;
  readonly #queue = new FrameQueue();
  readonly #parser = new KerongReplyParser();
  readonly #boards = new Map<number, BoardState>();
  readonly #listeners = new Set<LockBoardListener>();
  #state: 'idle' | 'running' | 'stopped' = 'idle';
  #linkUp = false;
  #linkDownReason = 'not opened yet';
  #reconnectTimer: TimerHandle | null = null;
  /** The last reconnect delay (0: the link has worked since). */
  #reconnectDelay = 0;
  #roundTimer: TimerHandle | null = null;
  #pending: PendingReply | null = null;

  constructor(options: KerongBusOptions) {
    this.#config = options.config;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#transport =
      options.transport ?? createByteTransport(options.config.transport, options.clock);
    this.#transport.onData((chunk) => {
      this.#onData(chunk);
    });
    this.#transport.onClose((reason) => {
      this.#onLinkLost(reason);
    });
    for (const board of options.config.boards) {
      this.#boards.set(board, { health: 'unknown', status: null, polls: NO_POLLS });
    }
  }

  /** Whether the serial device or gateway connection is open now. */
  get linkUp(): boolean {
    return this.#linkUp;
  }

  /**
   * Opens the transport and starts polling. A transport that cannot be opened does not fail
   * the start: the agent runs on, its boards are reported unreachable, and the link is retried.
   */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error('a lock board bus starts once');
    this.#state = 'running';
    await this.#open();
    this.#round();
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    for (const timer of [this.#roundTimer, this.#reconnectTimer]) {
      if (timer !== null) this.#clock.clearTimeout(timer);
    }
    this.#roundTimer = null;
    this.#reconnectTimer = null;
    const stopped = new BoardFailure('stopped', 'the lock board bus is stopped');
    this.#queue.close(stopped);
    this.#pending?.fail(stopped);
    this.#linkUp = false;
    await this.#transport.close();
  }

  async unlock(address: LockAddress): Promise<void> {
    this.#checkBoard(address.board);
    if (!Number.isInteger(address.lock) || address.lock < 0 || address.lock > KERONG_MAX_LOCK) {
      throw new RangeError(`lock must be an integer 0-15, got ${address.lock}`);
    }
    this.#checkUsable();
    const frame = encodeUnlock(address);
    await this.#queue.run('unlock', async () => {
      this.#checkUsable();
      await this.#write(frame);
    });
    this.#log.info({ board: address.board, lock: address.lock }, 'unlock frame sent');
  }

  async readStatus(board: number): Promise<BoardStatus> {
    this.#checkBoard(board);
    let failure: BoardFailure | null = null;
    for (let attempt = 0; attempt <= this.#config.retries; attempt++) {
      try {
        const status = await this.#queue.run('status', () => this.#attempt(board));
        this.#good(board, status);
        return status;
      } catch (err) {
        failure = asFailure(err);
        // Retrying cannot help a link that is down or a bus that stopped.
        if (failure.kind !== 'timeout' && failure.kind !== 'checksum') break;
        this.#log.debug({ board, attempt, reason: failure.message }, 'status attempt failed');
      }
    }
    const final = failure ?? new BoardFailure('timeout', 'no attempt was made');
    // Only the running bus judges boards: a read before `start` or after `stop` just fails.
    if (this.#state === 'running' && final.kind !== 'stopped') this.#bad(board, final);
    throw final;
  }

  lastStatus(board: number): BoardStatus | null {
    return this.#boards.get(board)?.status ?? null;
  }

  pollStats(board: number): BoardPollStats | null {
    return this.#boards.get(board)?.polls ?? null;
  }

  subscribe(listener: LockBoardListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** One status request and its reply, alone on the wire (run from the queue). */
  #attempt(board: number): Promise<BoardStatus> {
    this.#checkUsable();
    const timeoutMs = this.#config.replyTimeoutMs;
    return new Promise<BoardStatus>((resolve, reject) => {
      let timer: TimerHandle | null = null;
      let settled = false;
      const settle = () => {
        settled = true;
        if (timer !== null) this.#clock.clearTimeout(timer);
        if (this.#pending === pending) this.#pending = null;
        this.#parser.expect(null);
      };
      const pending: PendingReply = {
        board,
        resolve: (status) => {
          if (settled) return;
          settle();
          resolve(status);
        },
        fail: (failure) => {
          if (settled) return;
          settle();
          reject(failure);
        },
      };
      this.#pending = pending;
      this.#parser.expect(board);
      this.#write(encodeStatusRequest(board)).then(
        () => {
          // The reply timeout counts from the moment the request is out.
          if (settled) return;
          timer = this.#clock.setTimeout(() => {
            pending.fail(
              new BoardFailure('timeout', `board ${board}: no reply within ${timeoutMs} ms`),
            );
          }, timeoutMs);
        },
        (err: unknown) => {
          pending.fail(asFailure(err));
        },
      );
    });
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#parser.push(chunk)) {
      const pending = this.#pending;
      switch (event.kind) {
        case 'status':
          // The parser only accepts a status from the board it was told to expect.
          pending?.resolve(event.status);
          break;
        case 'rejected':
          if (event.reason === 'checksum' && pending !== null) {
            pending.fail(new BoardFailure('checksum', `board ${pending.board}: bad checksum`));
          } else {
            this.#log.debug(
              { reason: event.reason, frame: event.frame.toString('hex') },
              'ignored a frame',
            );
          }
          break;
        case 'garbage':
          this.#log.debug({ bytes: event.bytes }, 'skipped noise on the bus');
          break;
      }
    }
  }

  #good(board: number, status: BoardStatus): void {
    const state = this.#boards.get(board);
    if (state === undefined) return;
    const previous = state.status;
    const was = state.health;
    const { ok, failed, lastError } = state.polls;
    state.polls = { lastOkAt: this.#clock.now(), ok: ok + 1, failed, lastError };
    state.status = status;
    state.health = 'ok';
    // A board answered: the link works, so a later loss starts again from the shortest delay.
    this.#reconnectDelay = 0;
    if (was === 'unreachable') {
      this.#log.info({ board }, 'lock board answers again');
      this.#emit((l) => l.onRecovered?.(board, status));
      return;
    }
    // The first good status is the baseline the module reconciles from, not a change.
    if (previous === null) return;
    const changes = diffStatus(previous, status);
    if (changes.length > 0) this.#emit((l) => l.onChanges?.(board, changes, status));
  }

  #bad(board: number, failure: BoardFailure): void {
    const state = this.#boards.get(board);
    const { kind } = failure;
    // A stopped bus says nothing about the board (`readStatus` does not judge on it either).
    if (state === undefined || kind === 'stopped') return;
    const { lastOkAt, ok, failed } = state.polls;
    state.polls = { lastOkAt, ok, failed: failed + 1, lastError: kind };
    if (state.health === 'unreachable') return;
    state.health = 'unreachable';
    state.status = null;
    this.#log.warn({ board, reason: failure.message }, 'lock board unreachable');
    this.#emit((l) => l.onUnreachable?.(board, failure.message));
  }

  /** One polling round: every board once; the next starts `pollMs` after this one started. */
  #round(): void {
    this.#roundTimer = null;
    if (this.#state !== 'running') return;
    const started = this.#clock.now();
    const reads = [...this.#boards.keys()].map((board) => this.readStatus(board));
    void Promise.allSettled(reads).then(() => {
      if (this.#state !== 'running') return;
      const wait = Math.max(0, started + this.#config.pollMs - this.#clock.now());
      this.#roundTimer = this.#clock.setTimeout(() => {
        this.#round();
      }, wait);
    });
  }

  async #open(): Promise<void> {
    this.#reconnectTimer = null;
    if (this.#state !== 'running') return;
    try {
      await this.#transport.open();
    } catch (err) {
      if (!this.#isStopped()) this.#linkDown(describeError(err));
      return;
    }
    // `stop` may have come while the link was opening.
    if (this.#isStopped()) {
      await this.#transport.close();
      return;
    }
    this.#linkUp = true;
    this.#log.info({ transport: this.#transport.description }, 'lock board link open');
  }

  #onLinkLost(reason: string): void {
    if (this.#state !== 'running') return;
    this.#linkDown(reason);
    this.#pending?.fail(new BoardFailure('link-down', `link down: ${reason}`));
  }

  /** Records the link as down and schedules reopening it after the next backoff delay. */
  #linkDown(reason: string): void {
    const wasUp = this.#linkUp;
    this.#linkUp = false;
    this.#linkDownReason = reason;
    if (this.#reconnectTimer !== null) return;
    const { minMs, maxMs } = this.#config.reconnect;
    const delay = this.#reconnectDelay === 0 ? minMs : Math.min(this.#reconnectDelay * 2, maxMs);
    this.#reconnectDelay = delay;
    // Once per outage at warn level; each failed reopening after that at debug.
    const level = wasUp || delay === minMs ? 'warn' : 'debug';
    this.#log[level](
      { transport: this.#transport.description, reason, retryInMs: delay },
      'lock board link down',
    );
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      void this.#open();
    }, delay);
  }

  async #write(frame: Buffer): Promise<void> {
    try {
      await this.#transport.write(frame);
    } catch (err) {
      throw new BoardFailure('link-down', `link down: ${describeError(err)}`);
    }
  }

  /** Read through a method: a field check after an await is not narrowed away by TypeScript. */
  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  #checkBoard(board: number): void {
    if (!this.#boards.has(board)) {
      throw new BoardFailure('unknown-board', `board ${board} is not configured on this bus`);
    }
  }

  #checkUsable(): void {
    if (this.#state === 'stopped') {
      throw new BoardFailure('stopped', 'the lock board bus is stopped');
    }
    if (!this.#linkUp) {
      throw new BoardFailure('link-down', `link down: ${this.#linkDownReason}`);
    }
  }

  #emit(call: (listener: LockBoardListener) => void): void {
    for (const listener of this.#listeners) {
      try {
        call(listener);
      } catch (err) {
        // One faulty listener must not stop the others nor the polling.
        this.#log.error({ err: describeError(err) }, 'lock board listener threw');
      }
    }
  }
}

function asFailure(err: unknown): BoardFailure {
  return err instanceof BoardFailure ? err : new BoardFailure('link-down', describeError(err));
}
