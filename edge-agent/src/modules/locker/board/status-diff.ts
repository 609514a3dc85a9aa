import type { BoardStatus, LockChange } from './lock-board-bus.js';

/**
 * The sensor bits that changed between two good statuses of a board, in lock order; for one
 * lock, its door before its item. A hook going 1 → 0 is `door-opened`, 0 → 1 `door-closed`;
 * an IR bit going 0 → 1 is `item-placed`, 1 → 0 `item-removed`.
 */
export function diffStatus(previous: BoardStatus, next: BoardStatus): LockChange[] {
  const changes: LockChange[] = [];
  const locks = Math.max(previous.locked.length, next.locked.length);
  for (let lock = 0; lock < locks; lock++) {
    const address = { board: next.board, lock };
    const wasLocked = previous.locked[lock] === true;
    const isLocked = next.locked[lock] === true;
    if (wasLocked && !isLocked) changes.push({ kind: 'door-opened', address });
    if (!wasLocked && isLocked) changes.push({ kind: 'door-closed', address });
    const hadItem = previous.itemPresent[lock] === true;
    const hasItem = next.itemPresent[lock] === true;
    if (!hadItem && hasItem) changes.push({ kind: 'item-placed', address });
    if (hadItem && !hasItem) changes.push({ kind: 'item-removed', address });
  }
  return changes;
}
