import { z } from 'zod';
import { Timestamp } from './common.js';

// The locker contract between the cloud (reservations) and a locker bank's agent. Codes never
// cross MQTT: only their keyed hashes do (see `@hameau/protocol/pickup-code`).

/** The number of digits of a pickup or drop-off code; docs/lockers.md has the brute-force bound. */
export const PICKUP_CODE_DIGITS = 8;

/** A code as a resident types it: exactly `PICKUP_CODE_DIGITS` decimal digits. */
export const PickupCode = z.string().regex(new RegExp(`^[0-9]{${String(PICKUP_CODE_DIGITS)}}$`), {
  message: `a code is ${String(PICKUP_CODE_DIGITS)} digits`,
});

/** A box of a bank, as numbered on its door (1-based). */
export const BoxNumber = z.number().int().min(1).max(999);
export type BoxNumber = z.infer<typeof BoxNumber>;

/** A credential id, chosen by the cloud (one per reservation and purpose). */
export const CredentialId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** A base64url HMAC-SHA256 (32 bytes). */
const Hmac256 = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, { message: 'expected base64url of 32 bytes' });

/** Who a credential is for: the resident collecting, or the merchant depositing. */
export const CredentialKind = z.enum(['pickup', 'dropoff']);
export type CredentialKind = z.infer<typeof CredentialKind>;

/**
 * Permission to open one box once, with a code whose keyed hash is `codeHash`, from `validFrom`
 * (e.g. today 21:00) until `expiresAt`.
 */
export const LockerCredential = z
  .object({
    id: CredentialId,
    kind: CredentialKind,
    box: BoxNumber,
    codeHash: Hmac256,
    validFrom: Timestamp,
    expiresAt: Timestamp,
  })
  .strict()
  .refine((c) => c.expiresAt > c.validFrom, {
    message: 'expiresAt must be after validFrom',
    path: ['expiresAt'],
  });
export type LockerCredential = z.infer<typeof LockerCredential>;

/**
 * Every credential a locker bank should hold now, retained and versioned: the agent stores the
 * newest version durably and drops credentials no longer listed. Whole sets rather than deltas,
 * so an agent that was away for a week converges with one message.
 */
export const CredentialSetPayload = z
  .object({
    version: z.number().int().min(1),
    issuedAt: Timestamp,
    /** The bank's HMAC key for codes (base64url, 32 bytes); the cloud keeps only its pepper. */
    hashKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    credentials: z.array(LockerCredential).max(2000),
  })
  .strict()
  .refine((s) => new Set(s.credentials.map((c) => c.id)).size === s.credentials.length, {
    message: 'credential ids must be unique',
    path: ['credentials'],
  });
export type CredentialSetPayload = z.infer<typeof CredentialSetPayload>;

/** Arguments of the `unlock` command: a technician's remote opening, with the reason audited. */
export const UnlockArgs = z
  .object({
    box: BoxNumber,
    reason: z.string().trim().min(3).max(200),
  })
  .strict();
export type UnlockArgs = z.infer<typeof UnlockArgs>;

/** How a box came to be opened. `none` means no code or command: a forced door. */
export const OpenedBy = z.enum(['pickup', 'dropoff', 'remote', 'none']);

/** Why a code was refused; the kiosk turns these into messages. */
export const CodeRejection = z.enum([
  'unknown',
  'not-yet-valid',
  'expired',
  'used',
  'not-ready',
  'locked-out',
  'out-of-service',
]);
export type CodeRejection = z.infer<typeof CodeRejection>;

const box = { box: BoxNumber };
const terminal = z.string().min(1).max(40);

/**
 * The locker events and the `data` each carries (the event's `subject` is the box number or the
 * terminal). The agent emits through these schemas and the cloud parses with them.
 */
export const LOCKER_EVENTS = {
  /** A door went from locked to open. */
  'door-opened': z.object({ ...box, by: OpenedBy }).strict(),
  'door-closed': z.object({ ...box, itemPresent: z.boolean() }).strict(),
  'item-placed': z.object(box).strict(),
  'item-removed': z.object(box).strict(),
  /** A code was refused at a terminal (kiosk, keypad); never carries the code. */
  'code-rejected': z.object({ terminal, reason: CodeRejection }).strict(),
  /** A terminal refuses codes until `until` after too many failures. */
  'terminal-locked-out': z
    .object({ terminal, failures: z.number().int(), until: Timestamp })
    .strict(),
  /** A credential opened its box (the credential is consumed when the box is closed again). */
  'code-accepted': z
    .object({ ...box, credential: CredentialId, kind: CredentialKind, terminal })
    .strict(),
  /** The merchant closed the door on an item: the parcel is ready for pickup. */
  'parcel-deposited': z.object({ ...box, credential: CredentialId }).strict(),
  /** The resident emptied and closed the box: the pickup is done. */
  'parcel-picked-up': z.object({ ...box, credential: CredentialId }).strict(),
  /** The box was closed after a pickup with the item still inside. */
  'item-left-after-pickup': z.object({ ...box, credential: CredentialId }).strict(),
  'remote-unlock': z
    .object({ ...box, command: z.string(), issuedBy: z.string(), reason: z.string() })
    .strict(),
  /** More remote unlocks than allowed per minute: refused. Severity alarm. */
  'remote-unlock-rate-exceeded': z
    .object({ ...box, command: z.string(), limitPerMinute: z.number().int() })
    .strict(),
  /** Severity alarm. */
  'door-left-open': z.object({ ...box, openSeconds: z.number().int() }).strict(),
  /** Opened with no code or command. Severity alarm. */
  'door-forced': z.object(box).strict(),
  /** Unlock pulsed but the door stayed locked. Severity alarm. */
  'lock-stuck': z.object(box).strict(),
  /** A lock board stopped answering; its doors are unknown, not closed. Severity alarm. */
  'board-unreachable': z
    .object({ board: z.number().int().min(0).max(15), reason: z.string() })
    .strict(),
  'board-recovered': z.object({ board: z.number().int().min(0).max(15) }).strict(),
} as const;
export type LockerEventType = keyof typeof LOCKER_EVENTS;
export type LockerEventData<T extends LockerEventType> = z.infer<(typeof LOCKER_EVENTS)[T]>;
