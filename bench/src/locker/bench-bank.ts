import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { LockBoardBank } from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';

/** Locks on one Kerong board. */
export const LOCKS_PER_BOARD = 16;
/** The line speed the boards ship with and the simulator emulates. */
export const BAUD = 19_200;

/** Where box `box` (1-based, as on its door) is wired: board by board, lock 0 first. */
export function addressOf(box: number): { readonly board: number; readonly lock: number } {
  return { board: Math.floor((box - 1) / LOCKS_PER_BOARD), lock: (box - 1) % LOCKS_PER_BOARD };
}

/** A frame the simulator heard that no sample was waiting for. */
export interface StrayUnlock {
  readonly board: number;
  readonly lock: number;
}

/** A wait for one box's unlock frame. */
export interface UnlockWait {
  /** When the frame arrived (`performance.now()`); rejects when none came in time. */
  readonly at: Promise<number>;
  /** Stops waiting (no-op once settled); `at` then never settles. */
  cancel(): void;
}

interface Waiter {
  readonly board: number;
  readonly lock: number;
  resolve(at: number): void;
}

/**
 * The simulated bank of the bench: firmware-sim's `LockBoardBank` on the far end of a `socat`
 * pty pair, emulating the boards' wire timing at 19,200 baud on the system clock, every box
 * holding an item and every door locked at start. It lives in the bench process so that the
 * moment an unlock frame arrives (`performance.now()` in its unlock listener) and the moment a
 * sample started are read on one clock.
 */
export class BenchBank {
  /** The pty the driver opens. */
  readonly path: string;
  readonly boxes: number;
  readonly #bank: LockBoardBank;
  readonly #dir: string;
  readonly #waiters = new Set<Waiter>();
  readonly #strays: StrayUnlock[] = [];
  readonly #stopListening: () => void;

  private constructor(bank: LockBoardBank, dir: string, path: string, boxes: number) {
    this.#bank = bank;
    this.#dir = dir;
    this.path = path;
    this.boxes = boxes;
    this.#stopListening = bank.onUnlock((record) => {
      const at = performance.now();
      for (const w of this.#waiters) {
        if (w.board === record.board && w.lock === record.lock) {
          this.#waiters.delete(w);
          w.resolve(at);
          return;
        }
      }
      this.#strays.push({ board: record.board, lock: record.lock });
    });
  }

  /** Starts `boards` boards (addresses 0…) on a new pty pair. */
  static async start(boards: number, log: Logger): Promise<BenchBank> {
    const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-locker-'));
    const path = join(dir, 'lock-bus');
    const all = Array.from({ length: LOCKS_PER_BOARD }, (_, lock) => lock);
    const bank = new LockBoardBank(
      {
        id: 'bench-locks',
        pty: path,
        baud: BAUD,
        timing: true,
        boards: Array.from({ length: boards }, (_, address) => ({ address, items: all })),
      },
      { clock: systemClock, log },
    );
    try {
      await bank.start();
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return new BenchBank(bank, dir, path, boards * LOCKS_PER_BOARD);
  }

  /** Unlock frames heard that no sample expected (a wrong box, a second pulse). */
  get strays(): readonly StrayUnlock[] {
    return this.#strays;
  }

  /**
   * Starts waiting for the next unlock frame of `box`: `at` resolves with the `performance.now()`
   * of its arrival, or rejects after `timeoutMs`. Call it before the action that should send the
   * frame, and `cancel` it (in a `finally`) once the answer is in or the action failed.
   */
  expectUnlock(box: number, timeoutMs: number): UnlockWait {
    const { board, lock } = addressOf(box);
    let cancel: () => void = () => undefined;
    const at = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no unlock frame for box ${box} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        board,
        lock,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      };
      this.#waiters.add(waiter);
      cancel = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
    });
    // Handled here too: the action may still be running when the wait times out.
    at.catch(() => undefined);
    return { at, cancel };
  }

  /** Waits until the door of `box` has sprung open after its pulse. */
  async untilOpen(box: number, timeoutMs: number): Promise<void> {
    const { board, lock } = addressOf(box);
    const giveUpAt = performance.now() + timeoutMs;
    while (this.#bank.isLocked(board, lock)) {
      if (performance.now() > giveUpAt) throw new Error(`box ${box} did not spring open`);
      await delay(5);
    }
  }

  /** Someone pushes the door of `box` shut. */
  closeDoor(box: number): void {
    const { board, lock } = addressOf(box);
    this.#bank.closeDoor(board, lock);
  }

  placeItem(box: number): void {
    const { board, lock } = addressOf(box);
    this.#bank.placeItem(board, lock);
  }

  removeItem(box: number): void {
    const { board, lock } = addressOf(box);
    this.#bank.removeItem(board, lock);
  }

  /** Every door shut and locked? (Before handing the line to the agent.) */
  allLocked(): boolean {
    return this.#bank.boards.every((b) => b.snapshot().locked.every(Boolean));
  }

  async stop(): Promise<void> {
    this.#stopListening();
    try {
      await this.#bank.stop();
    } finally {
      await rm(this.#dir, { recursive: true, force: true });
    }
  }
}
