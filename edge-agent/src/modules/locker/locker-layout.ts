import type { LockAddress } from './board/lock-board-bus.js';

/** Box sizes, as printed on the bank's plan. */
export type BoxSize = 'S' | 'M' | 'L' | 'XL';

/** Where one box is wired: its bus, board and lock. */
export interface BoxPlace extends LockAddress {
  readonly number: number;
  readonly bus: string;
  readonly size: BoxSize;
}

/** One board of one bus. */
export interface BoardRef {
  readonly bus: string;
  readonly board: number;
}

/** Box numbers to lock addresses and back, as `boxes:` in the config declares them. */
export class LockerLayout {
  readonly boxes: readonly BoxPlace[];
  readonly #byNumber = new Map<number, BoxPlace>();

  constructor(boxes: readonly BoxPlace[]) {
    this.boxes = [...boxes].sort((a, b) => a.number - b.number);
    for (const box of this.boxes) {
      this.#byNumber.set(box.number, box);
    }
  }

  /** The box numbered `number`, if the bank has it. */
  box(number: number): BoxPlace | undefined {
    return this.#byNumber.get(number);
  }

  /** The boxes of one board, by lock. */
  onBoard(bus: string, board: number): BoxPlace[] {
    return this.boxes.filter((b) => b.bus === bus && b.board === board);
  }
}
