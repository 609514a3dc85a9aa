import { z } from 'zod';
import { OutboxEnvelope, Timestamp } from './common.js';

/** A command id: chosen by the issuer, unique per device, used to make execution idempotent. */
export const CommandId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/**
 * A command to one device. The device refuses it after `expiresAt` (a late unlock is worse than
 * none) and executes a given `id` at most once.
 */
export const CommandPayload = z
  .object({
    id: CommandId,
    issuedAt: Timestamp,
    expiresAt: Timestamp,
    /** Who asked, for the audit trail: a technician's login, `cloud`... */
    issuedBy: z.string().min(1).max(64),
    args: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  // Compared as strings: both are validated UTC timestamps of the same shape, and this keeps
  // sub-millisecond digits that Date.parse would drop.
  .refine((c) => c.expiresAt > c.issuedAt, {
    message: 'expiresAt must be after issuedAt',
    path: ['expiresAt'],
  });
export type CommandPayload = z.infer<typeof CommandPayload>;

/** Why a command failed, as a stable code. */
export const CommandErrorCode = z.enum([
  'EXPIRED',
  'DUPLICATE',
  'UNKNOWN_COMMAND',
  'INVALID_ARGS',
  'REFUSED',
  'HARDWARE_FAILURE',
  'TIMEOUT',
  'INTERNAL',
]);
export type CommandErrorCode = z.infer<typeof CommandErrorCode>;

/**
 * What a device says about a command, echoing its id: `{status: accepted}` when it has accepted
 * the command (valid, not expired, not a duplicate) and is about to run it, then the outcome,
 * `{status: ok, data}` or `{status: error, error}`. Each is a message of its own, so the cloud
 * may see the outcome without the acknowledgement (refusals are never accepted) or, after a
 * replay, in another order.
 */
export const CommandResultPayload = z.discriminatedUnion('status', [
  z
    .object({
      ...OutboxEnvelope,
      id: CommandId,
      name: z.string().min(1).max(40),
      status: z.literal('accepted'),
    })
    .strict(),
  z
    .object({
      ...OutboxEnvelope,
      id: CommandId,
      name: z.string().min(1).max(40),
      status: z.literal('ok'),
      data: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
  z
    .object({
      ...OutboxEnvelope,
      id: CommandId,
      name: z.string().min(1).max(40),
      status: z.literal('error'),
      error: z.object({ code: CommandErrorCode, message: z.string().max(500) }).strict(),
    })
    .strict(),
]);
export type CommandResultPayload = z.infer<typeof CommandResultPayload>;
