import type { LockBoardBank } from '@hameau/firmware-sim';
import type { Clock, TimerHandle } from '@hameau/protocol';

/** How long a simulated person takes at an open box, ms: reach in, then shut the door. */
const REACH_MS = 1_500;
const SHUT_MS = 1_000;

/**
 * The people at the demo's lockers. Whenever a door springs open (a pickup code typed at the
 * kiosk, a technician's remote unlock), someone takes what is inside, or puts in the parcel the
 * demo said was coming (`expectDeposit`), and shuts the door: the agent then sees the real
 * sequence of a pickup or a drop-off and reports it, so a printed code leads all the way to a
 * `picked-up` reservation, and the box is free for the next demo.
 */
export class DemoVisitors {
  readonly #clock: Clock;
  readonly #timers = new Set<TimerHandle>();
  readonly #deposits = new Set<string>();
  readonly #unsubscribes: (() => void)[] = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Starts attending to `bank`'s doors. */
  attend(bankId: string, bank: LockBoardBank): void {
    this.#unsubscribes.push(
      bank.onUnlock(({ board, lock, effect }) => {
        if (effect !== 'opens') return;
        this.#after(REACH_MS, () => {
          const key = `${bankId}/${board}/${lock}`;
          if (this.#deposits.delete(key)) bank.placeItem(board, lock);
          else if (bank.hasItem(board, lock)) bank.removeItem(board, lock);
          this.#after(SHUT_MS, () => {
            bank.closeDoor(board, lock);
          });
        });
      }),
    );
  }

  /** The next opening of this lock is a merchant putting a parcel in. */
  expectDeposit(bankId: string, board: number, lock: number): void {
    this.#deposits.add(`${bankId}/${board}/${lock}`);
  }

  /** Stops attending: no door moves any more. */
  stop(): void {
    for (const off of this.#unsubscribes.splice(0)) off();
    for (const handle of this.#timers) this.#clock.clearTimeout(handle);
    this.#timers.clear();
  }

  #after(ms: number, run: () => void): void {
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      run();
    }, ms);
    this.#timers.add(handle);
  }
}
