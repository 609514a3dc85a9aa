import { z } from 'zod';
import { CommandId, UnlockArgs } from '@hameau/protocol';
import { IsoTime } from '../http/common-schemas.js';
import { BoxSize, LockerBankId, Recipient, ReservationId, ReservationState } from './locker.js';

/** A merchant's order reference: printable text, kept verbatim. */
export const OrderReference = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}\s](?:[^\p{Cc}]*[^\p{Cc}\s])?$/u, {
    message: 'a reference is 1-100 printable characters, without leading or trailing spaces',
  });

/** A reservation request. */
export const ReserveInput = z
  .object({
    bank: LockerBankId,
    size: BoxSize,
    allowLarger: z
      .boolean()
      .default(false)
      .describe('Take the smallest larger free box when none of `size` is free'),
    reference: OrderReference.describe("The merchant's order reference; one active per merchant"),
    pickupFrom: IsoTime.optional().describe(
      'When the resident may collect; the next 21:00 in the town time zone by default',
    ),
    expiresAt: IsoTime.optional().describe('When it expires; pickupFrom + 72 h by default'),
    recipient: Recipient.optional().describe('Who the notifier tells; never logged'),
  })
  .strict();
export type ReserveInput = z.input<typeof ReserveInput>;

/** Opening a reservation's box by command. */
export const OpenBoxInput = z
  .object({
    reason: UnlockArgs.shape.reason
      .optional()
      .describe('Required from technicians and admins; audited on the device'),
    commandId: CommandId.optional().describe('Makes a retried request safe (the command id)'),
  })
  .strict();
export type OpenBoxInput = z.input<typeof OpenBoxInput>;

/** What a reservation listing filters on. */
export const ListReservationsInput = z
  .object({
    bank: LockerBankId.optional(),
    state: ReservationState.optional(),
    reference: OrderReference.optional(),
    before: ReservationId.optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();
export type ListReservationsInput = z.input<typeof ListReservationsInput>;
