import { z } from 'zod';
import { SEGMENT_PATTERN } from '@hameau/protocol';

/** A locker bank's id, chosen by the admin who creates it (`gare-nord`): a topic-safe segment. */
export const LockerBankId = z.string().regex(SEGMENT_PATTERN, {
  message: 'bank id must be 1-40 lower-case letters, digits or inner dashes',
});

/** A reservation id: `rsv-` and 128 random bits, base64url. */
export const ReservationId = z.string().regex(/^rsv-[A-Za-z0-9_-]{1,56}$/, {
  message: 'a reservation id is rsv- followed by letters, digits, _ or -',
});

/** Box sizes, smallest first: the order `allowLarger` walks. */
export const BOX_SIZES = ['S', 'M', 'L', 'XL'] as const;
export const BoxSize = z.enum(BOX_SIZES);
export type BoxSize = z.infer<typeof BoxSize>;

/**
 * A box: `available`, `reserved` for a reservation not yet deposited, `occupied` by a parcel
 * (deposited, or expired and waiting for the merchant), or `out-of-service`.
 */
export const BoxState = z.enum(['available', 'reserved', 'occupied', 'out-of-service']);
export type BoxState = z.infer<typeof BoxState>;

/** The lifecycle of a reservation; docs/reservations.md draws it. */
export const ReservationState = z.enum([
  'reserved',
  'deposited',
  'ready',
  'picked-up',
  'expired',
  'cancelled',
]);
export type ReservationState = z.infer<typeof ReservationState>;

/** States that hold their box and have credentials on the bank. */
export const ACTIVE_STATES = [
  'reserved',
  'deposited',
  'ready',
] as const satisfies readonly ReservationState[];

export function isActive(state: ReservationState): boolean {
  return (ACTIVE_STATES as readonly ReservationState[]).includes(state);
}

/** Where a bank stands, for the map and the directions in notifications. */
export const LockerLocation = z
  .object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    label: z.string().trim().min(1).max(200),
  })
  .strict();
export type LockerLocation = z.infer<typeof LockerLocation>;

/** Who collects a parcel; the notifier's business, never logged. */
export const Recipient = z
  .object({
    email: z.email().max(254).optional(),
    phone: z
      .string()
      .regex(/^\+?[0-9][0-9 ().-]{4,22}[0-9]$/, { message: 'must be a phone number' })
      .optional(),
    name: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type Recipient = z.infer<typeof Recipient>;

/** The actor of what the cloud does by itself (the sweeper, the ingestion of a device event). */
export const SYSTEM_ACTOR = 'system';
/** The actor of a history entry that a device event caused. */
export const DEVICE_ACTOR = 'device';

/** A box as the domain works with it. */
export interface LockerBox {
  readonly number: number;
  readonly size: BoxSize;
  readonly state: BoxState;
  readonly stateAt: number;
}

/** A bank with its credential-set bookkeeping. */
export interface LockerBank {
  readonly id: string;
  readonly site: string;
  readonly device: string;
  readonly name: string;
  readonly location: LockerLocation | null;
  readonly credentialVersion: number;
  readonly credentialsIssuedAt: number;
  readonly credentialsPublishedVersion: number | null;
  readonly createdAt: number;
  readonly createdBy: string;
}

/** A reservation; the code hashes stay in the store and never reach a view. */
export interface Reservation {
  readonly id: string;
  readonly bank: string;
  readonly box: number;
  readonly size: BoxSize;
  readonly merchant: string;
  readonly reference: string;
  readonly state: ReservationState;
  readonly stateAt: number;
  readonly createdAt: number;
  readonly pickupFrom: number;
  readonly expiresAt: number;
  readonly depositedAt: number | null;
  readonly readyAt: number | null;
  readonly pickedUpAt: number | null;
  readonly finishedAt: number | null;
  readonly expiryNotifiedAt: number | null;
  readonly recipient: Recipient | null;
}

/** One line of a reservation's history. */
export interface HistoryEntry {
  readonly at: number;
  readonly event: string;
  readonly actor: string;
  readonly details: Record<string, unknown>;
}

/** The ids of a reservation's two credentials on the bank: what locker events name. */
export function credentialIdsOf(reservationId: string): { pickup: string; dropoff: string } {
  return { pickup: `${reservationId}-p`, dropoff: `${reservationId}-d` };
}

/** The reservation id a credential id belongs to, or undefined for one the cloud did not make. */
export function reservationIdOfCredential(credential: string): string | undefined {
  const match = /^(rsv-[A-Za-z0-9_-]+)-[pd]$/.exec(credential);
  return match?.[1];
}
