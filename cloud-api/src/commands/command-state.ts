import { z } from 'zod';
import { CommandErrorCode } from '@hameau/protocol';

/**
 * Where a command is: `queued` (stored, not yet acknowledged by the broker), `sent` (the broker
 * acknowledged the publish), `delivered` (the device accepted it and is running it), then one
 * final state. `cancelled` is an operator's decision before delivery.
 */
export const CommandState = z.enum([
  'queued',
  'sent',
  'delivered',
  'succeeded',
  'failed',
  'expired',
  'cancelled',
]);
export type CommandState = z.infer<typeof CommandState>;

/** States that never change again. */
export const FINAL_STATES: readonly CommandState[] = [
  'succeeded',
  'failed',
  'expired',
  'cancelled',
];

/** States in which the command may still be published: the device has not answered yet. */
export const UNDELIVERED_STATES = ['queued', 'sent'] as const satisfies readonly CommandState[];

export function isFinal(state: CommandState): boolean {
  return FINAL_STATES.includes(state);
}

/** The device's outcome of a command, as stored in `result`. */
export const CommandOutcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), data: z.record(z.string(), z.unknown()) }).strict(),
  z
    .object({
      status: z.literal('error'),
      error: z.object({ code: CommandErrorCode, message: z.string() }).strict(),
    })
    .strict(),
]);
export type CommandOutcome = z.infer<typeof CommandOutcome>;

/** What the device said after the command was already expired or cancelled (`late_result`). */
export const LateResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('accepted'), receivedAt: z.number() }).strict(),
  z
    .object({
      status: z.literal('ok'),
      data: z.record(z.string(), z.unknown()),
      receivedAt: z.number(),
    })
    .strict(),
  z
    .object({
      status: z.literal('error'),
      error: z.object({ code: CommandErrorCode, message: z.string() }).strict(),
      receivedAt: z.number(),
    })
    .strict(),
]);
export type LateResult = z.infer<typeof LateResult>;
