import type { Generated } from 'kysely';

/**
 * A locker bank: the boxes one edge agent (`device_id`, of kind `locker`) drives. Its code-hash
 * key is derived from the pepper and `site/device`, never stored. `credential_version` counts
 * the changes of its active credentials; times are milliseconds since the epoch.
 */
export interface LockerBanksTable {
  id: string;
  site_id: string;
  device_id: string;
  name: string;
  /** `{lat, lon, label}` as JSON text, or null. */
  location: string | null;
  /** The version of the bank's credential set: bumped with every change of its credentials. */
  credential_version: number;
  /** When that version was made: the set's `issuedAt`. */
  credentials_issued_at: number;
  /** The newest version the broker acknowledged; null while none was. */
  credentials_published_version: number | null;
  created_at: number;
  created_by: string;
}

/** One box of a bank, by the number on its door. */
export interface LockerBoxesTable {
  bank_id: string;
  number: number;
  /** `S`, `M`, `L` or `XL`. */
  size: string;
  /** `available`, `reserved`, `occupied` or `out-of-service`. */
  state: string;
  state_at: number;
}

/**
 * A merchant's reservation of one box for one parcel. Only keyed hashes of its two codes are
 * kept (see docs/reservations.md); `recipient` is `{email?, phone?, name?}` as JSON text.
 */
export interface LockerReservationsTable {
  id: string;
  bank_id: string;
  box_number: number;
  size: string;
  /** The name of the token that made it: the merchant who owns it. */
  merchant: string;
  /** The merchant's order reference. */
  reference: string;
  /** `reserved`, `deposited`, `ready`, `picked-up`, `expired` or `cancelled`. */
  state: string;
  state_at: number;
  created_at: number;
  pickup_from: number;
  expires_at: number;
  deposited_at: number | null;
  ready_at: number | null;
  picked_up_at: number | null;
  /** When it was cancelled or expired. */
  finished_at: number | null;
  /** When the notifier was told a deposited parcel expired; null while it was not. */
  expiry_notified_at: number | null;
  pickup_code_hash: string;
  dropoff_code_hash: string;
  recipient: string | null;
}

/**
 * What happened to a reservation, in order. An entry from a device event carries its `seq`, and
 * (reservation, event, seq) is unique, so a replayed batch records nothing twice.
 */
export interface LockerReservationHistoryTable {
  id: Generated<number>;
  reservation_id: string;
  at: number;
  /** `reserved`, `deposited`, `code-accepted`, `item-left-after-pickup`, `cancelled` … */
  event: string;
  /** A token name, `system` (the sweeper) or `device`. */
  actor: string;
  /** JSON object as text: never a code or a code hash. */
  details: string;
  seq: number | null;
}
