import { z } from 'zod';

const Milliseconds = z.number().int().min(0).max(2_147_483_647);
const Lock = z.number().int().min(0, 'a lock 0-15').max(15, 'a lock 0-15');

/**
 * The ways one simulated lock board misbehaves:
 * - `silent`: the board hears nothing: no reply, and unlock frames do nothing (a board without
 *   power, a cut A/B pair);
 * - `bad-checksum`: status replies carry a wrong SUM (noise on the line);
 * - `delay`: status replies come `delayMs` late, on top of the emulated wire time;
 * - `stuck-lock`: unlock frames for `lock` are received but its door does not open (a jammed
 *   hook, a dead coil); the board still reports the door locked.
 *
 * `silent` and `bad-checksum` may last `replies` status requests instead of (or as well as)
 * `durationMs`: `{ mode: bad-checksum, replies: 1 }` corrupts exactly the next reply.
 */
function boardFaultSchemas<T extends z.core.$ZodLooseShape>(extra: T) {
  const lasting = { durationMs: Milliseconds.optional(), ...extra };
  const counted = { replies: z.number().int().min(1).max(1_000_000).optional(), ...lasting };
  return z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('silent'), ...counted }).strict(),
    z.object({ mode: z.literal('bad-checksum'), ...counted }).strict(),
    z.object({ mode: z.literal('delay'), delayMs: Milliseconds.max(600_000), ...lasting }).strict(),
    z.object({ mode: z.literal('stuck-lock'), lock: Lock, ...lasting }).strict(),
  ]);
}

/** A fault injected now (`bank.injectBoardFault`); without `durationMs` it lasts until cleared. */
export const BoardFault = boardFaultSchemas({});
export type BoardFault = z.output<typeof BoardFault>;
export type BoardFaultInput = z.input<typeof BoardFault>;

/** A fault of a board's `faults:` list in a scenario, injected `atMs` after the bank starts. */
export const ScheduledBoardFault = boardFaultSchemas({ atMs: Milliseconds });
export type ScheduledBoardFault = z.output<typeof ScheduledBoardFault>;

/** A board's `faults:` list. */
export const BoardFaultPlan = z.array(ScheduledBoardFault).default([]);

/** The faults that act on replies; one at a time, a new one replaces the current one. */
export type ReplyFault = Exclude<BoardFault, { mode: 'stuck-lock' }>;
