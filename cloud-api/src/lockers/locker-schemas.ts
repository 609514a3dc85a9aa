import { z } from 'zod';
import { BoxNumber, DeviceId, SiteId } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import type { BankDetail, BankSummary } from './bank-service.js';
import {
  BoxSize,
  BoxState,
  LockerBankId,
  LockerLocation,
  Recipient,
  ReservationId,
  ReservationState,
  type HistoryEntry,
  type LockerBox,
  type Reservation,
} from './locker.js';
import { OrderReference } from './reservation-inputs.js';

export {
  CreateBankInput as CreateBankBody,
  SetBoxStateInput as SetBoxStateBody,
  UpdateBankInput as UpdateBankBody,
} from './bank-service.js';
export { OpenBoxInput as OpenBoxBody, ReserveInput as ReserveBody } from './reservation-inputs.js';

export const BankParams = z.object({ bank: LockerBankId }).strict();
export const BoxParams = z
  .object({ bank: LockerBankId, number: z.coerce.number().pipe(BoxNumber) })
  .strict();
export const ReservationParams = z.object({ id: ReservationId }).strict();

export const ListReservationsQuery = z
  .object({
    bank: LockerBankId.optional(),
    state: ReservationState.optional(),
    reference: OrderReference.optional(),
    before: ReservationId.optional().describe('The `next` of the previous page'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const FreeView = z
  .object({ S: z.number().int(), M: z.number().int(), L: z.number().int(), XL: z.number().int() })
  .strict()
  .describe('Free boxes per size');

/** What anyone may see of a bank. */
export const PublicBankView = z
  .object({
    id: LockerBankId,
    name: z.string(),
    location: LockerLocation.nullable(),
    free: FreeView,
  })
  .strict()
  .register(apiSchemas, { id: 'LockerBankSummary' });

export const PublicBankList = z.object({ banks: z.array(PublicBankView) }).strict();

export const BoxView = z
  .object({ number: BoxNumber, size: BoxSize, state: BoxState, stateAt: IsoTime })
  .strict()
  .register(apiSchemas, { id: 'LockerBox' });

/** A bank as technicians see it. */
export const BankView = z
  .object({
    id: LockerBankId,
    site: SiteId,
    device: DeviceId,
    name: z.string(),
    location: LockerLocation.nullable(),
    boxes: z.array(BoxView),
    credentials: z
      .object({
        version: z.number().int(),
        issuedAt: IsoTime,
        publishedVersion: z
          .number()
          .int()
          .nullable()
          .describe('The newest version the broker acknowledged; behind while the API is offline'),
      })
      .strict(),
    createdAt: IsoTime,
    createdBy: z.string(),
  })
  .strict()
  .register(apiSchemas, { id: 'LockerBank' });

export const ReservationView = z
  .object({
    id: ReservationId,
    bank: LockerBankId,
    box: BoxNumber,
    size: BoxSize,
    merchant: z.string().describe('The name of the token that made it'),
    reference: z.string(),
    state: ReservationState,
    stateAt: IsoTime,
    createdAt: IsoTime,
    pickupFrom: IsoTime,
    expiresAt: IsoTime,
    depositedAt: IsoTime.nullable(),
    readyAt: IsoTime.nullable().describe('When the notifier told the recipient'),
    pickedUpAt: IsoTime.nullable(),
    finishedAt: IsoTime.nullable().describe('When it was cancelled or expired'),
    recipient: Recipient.nullable(),
  })
  .strict()
  .register(apiSchemas, { id: 'LockerReservation' });

const HistoryView = z
  .object({
    at: IsoTime,
    event: z.string(),
    actor: z.string().describe('A token name, `system` or `device`'),
    details: z.record(z.string(), z.unknown()),
  })
  .strict();

export const ReservationDetailView = z
  .object({ reservation: ReservationView, history: z.array(HistoryView) })
  .strict();

export const CreatedReservationView = z
  .object({
    reservation: ReservationView,
    pickupCode: z.string().describe('For the recipient; shown this once, never stored'),
    dropoffCode: z.string().describe('For the merchant; shown this once, never stored'),
  })
  .strict();

export const ReservationList = z
  .object({
    reservations: z.array(ReservationView),
    next: ReservationId.nullable().describe('Pass as `before` for the next page; null at the end'),
  })
  .strict();

export const CredentialsView = z
  .object({
    version: z.number().int(),
    credentials: z.number().int().describe('How many credentials the set holds'),
  })
  .strict();

export function publicBankView(s: BankSummary): z.output<typeof PublicBankView> {
  return { id: s.bank.id, name: s.bank.name, location: s.bank.location, free: { ...s.free } };
}

export function boxView(b: LockerBox): z.output<typeof BoxView> {
  return { number: b.number, size: b.size, state: b.state, stateAt: isoTime(b.stateAt) };
}

export function bankView(d: BankDetail): z.output<typeof BankView> {
  const { bank } = d;
  return {
    id: bank.id,
    site: bank.site,
    device: bank.device,
    name: bank.name,
    location: bank.location,
    boxes: d.boxes.map(boxView),
    credentials: {
      version: bank.credentialVersion,
      issuedAt: isoTime(bank.credentialsIssuedAt),
      publishedVersion: bank.credentialsPublishedVersion,
    },
    createdAt: isoTime(bank.createdAt),
    createdBy: bank.createdBy,
  };
}

export function reservationView(r: Reservation): z.output<typeof ReservationView> {
  return {
    id: r.id,
    bank: r.bank,
    box: r.box,
    size: r.size,
    merchant: r.merchant,
    reference: r.reference,
    state: r.state,
    stateAt: isoTime(r.stateAt),
    createdAt: isoTime(r.createdAt),
    pickupFrom: isoTime(r.pickupFrom),
    expiresAt: isoTime(r.expiresAt),
    depositedAt: isoTimeOrNull(r.depositedAt),
    readyAt: isoTimeOrNull(r.readyAt),
    pickedUpAt: isoTimeOrNull(r.pickedUpAt),
    finishedAt: isoTimeOrNull(r.finishedAt),
    recipient: r.recipient,
  };
}

export function historyView(h: HistoryEntry): z.output<typeof HistoryView> {
  return { at: isoTime(h.at), event: h.event, actor: h.actor, details: h.details };
}
