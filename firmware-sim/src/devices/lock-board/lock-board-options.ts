import { DeviceId } from '@hameau/protocol';
import { z } from 'zod';
import { FaultPlan } from '../../faults/fault.js';
import { BoardFaultPlan } from './lock-board-fault.js';
import { LOCK_BOARD_TURNAROUND_MS } from './lock-board-timing.js';

const SerialPath = z.string().min(1).startsWith('/', 'must be an absolute path');
const Lock = z.number().int().min(0, 'a lock 0-15').max(15, 'a lock 0-15');

/** One board of a bank: its address and what it holds at start. */
export const LockBoardEntry = z
  .object({
    /** 0-15: the high nibble of the board's frames (DIP switches on a real board). */
    address: z.number().int().min(0, 'a board address 0-15').max(15, 'a board address 0-15'),
    /** Locks with an item in the box at start (every door starts shut and locked). */
    items: z.array(Lock).default([]),
    /** The board's faults, `atMs` after the bank starts. */
    faults: BoardFaultPlan,
  })
  .strict();
export type LockBoardEntry = z.output<typeof LockBoardEntry>;

/** The fields of a lock board bank, shared by `LockBoardBankOptions` and the scenario entry. */
export const LockBoardBankFields = z.object({
  id: DeviceId,
  /** Serve the bus as a serial-to-Ethernet gateway does: raw frames over TCP. */
  tcp: z
    .object({
      /** Loopback by default, so a simulator is never exposed by accident. */
      host: z.string().min(1).default('127.0.0.1'),
      /** 0 picks a free port, printed at start. */
      port: z.number().int().min(0).max(65535).default(0),
    })
    .strict()
    .optional(),
  /** Path the agent opens: the simulator starts `socat` and keeps the other end itself. */
  pty: SerialPath.optional(),
  /** A serial device the simulator opens itself (one end of your own socat pair, an adapter). */
  serial: SerialPath.optional(),
  /** With `serial`: the path the agent opens, printed as the endpoint (default: `serial`). */
  peer: SerialPath.optional(),
  /** Line speed; replies take their wire time at this rate (behind a TCP gateway too). */
  baud: z.number().int().min(300).max(921_600).default(19_200),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Delay each reply by the request and reply wire time plus the turnaround. */
  timing: z.boolean().default(true),
  /** The board's time to prepare a reply, ms (added when `timing` is on). */
  turnaroundMs: z.number().min(0).max(10_000).default(LOCK_BOARD_TURNAROUND_MS),
  /** Time from an unlock pulse to the door springing open, ms. */
  springMs: z.number().int().min(0).max(60_000).default(50),
  /** Seeds the `garbage` fault's noise. */
  seed: z.number().int().default(1),
  boards: z.array(LockBoardEntry).min(1, 'needs at least one board'),
  /** Faults of the whole bus (`silent`, `garbage`, `disconnect` of TCP clients). */
  faults: FaultPlan,
});

/** Where the bank is served, and board addresses used once. */
export function checkLockBoardBank(
  bank: {
    readonly tcp?: unknown;
    readonly pty?: string | undefined;
    readonly serial?: string | undefined;
    readonly peer?: string | undefined;
    readonly boards: readonly { readonly address: number }[];
  },
  ctx: z.RefinementCtx,
): void {
  if (bank.tcp === undefined && bank.pty === undefined && bank.serial === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['tcp'],
      message:
        'give tcp (a gateway), pty (socat is started), serial (an existing device), or tcp with one of them',
    });
  }
  if (bank.pty !== undefined && bank.serial !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['pty'], message: 'give pty or serial, not both' });
  }
  if (bank.peer !== undefined && bank.serial === undefined) {
    ctx.addIssue({ code: 'custom', path: ['peer'], message: 'peer goes with serial only' });
  }
  const seen = new Map<number, number>();
  bank.boards.forEach((board, index) => {
    const first = seen.get(board.address);
    if (first === undefined) seen.set(board.address, index);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['boards', index, 'address'],
        message: `address ${board.address} is already the address of boards[${first}]`,
      });
    }
  });
}

/** Settings of a `LockBoardBank` (a scenario entry of `type: lock-board`, without `type`). */
export const LockBoardBankOptions = LockBoardBankFields.strict().superRefine(checkLockBoardBank);
export type LockBoardBankOptions = Readonly<z.output<typeof LockBoardBankOptions>>;
export type LockBoardBankOptionsInput = z.input<typeof LockBoardBankOptions>;
