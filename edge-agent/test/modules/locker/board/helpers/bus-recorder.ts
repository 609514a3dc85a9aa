import type {
  BoardStatus,
  LockBoardBus,
  LockChange,
} from '../../../../../src/modules/locker/board/lock-board-bus.js';

/** One thing a bus told its listener, in a form tests compare whole. */
export type BusEvent =
  | { readonly on: 'changes'; readonly board: number; readonly changes: readonly string[] }
  | { readonly on: 'unreachable'; readonly board: number; readonly reason: string }
  | { readonly on: 'recovered'; readonly board: number; readonly status: BoardStatus };

/** `door-opened 2/5`. */
export function describeChange(change: LockChange): string {
  return `${change.kind} ${change.address.board}/${change.address.lock}`;
}

/** Subscribes to a bus and keeps every event in order. */
export function recordBus(bus: LockBoardBus): BusEvent[] {
  const events: BusEvent[] = [];
  bus.subscribe({
    onChanges: (board, changes) => {
      events.push({ on: 'changes', board, changes: changes.map(describeChange) });
    },
    onUnreachable: (board, reason) => {
      events.push({ on: 'unreachable', board, reason });
    },
    onRecovered: (board, status) => {
      events.push({ on: 'recovered', board, status });
    },
  });
  return events;
}
