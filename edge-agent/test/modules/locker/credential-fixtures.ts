import { randomBytes } from 'node:crypto';
import type { CredentialKind, CredentialSetPayload, LockerCredential } from '@hameau/protocol';
import { hashPickupCode } from '@hameau/protocol/pickup-code';

/** A bank's HMAC key for tests, fixed so failures are reproducible. */
export const HASH_KEY = Buffer.alloc(32, 7);

/** What a test says about one credential; the code is hashed as the cloud would. */
export interface CredentialSpec {
  readonly id: string;
  readonly box: number;
  readonly code: string;
  readonly kind?: CredentialKind;
  /** Clock ms. */
  readonly validFrom: number;
  /** Clock ms. */
  readonly expiresAt: number;
}

/** One credential as the cloud sends it. */
export function credential(spec: CredentialSpec, key: Buffer = HASH_KEY): LockerCredential {
  return {
    id: spec.id,
    kind: spec.kind ?? 'pickup',
    box: spec.box,
    codeHash: hashPickupCode(key, spec.code),
    validFrom: new Date(spec.validFrom).toISOString(),
    expiresAt: new Date(spec.expiresAt).toISOString(),
  };
}

/** A credential set of `version` holding `specs`. */
export function credentialSet(
  version: number,
  specs: readonly CredentialSpec[],
  key: Buffer = HASH_KEY,
): CredentialSetPayload {
  return {
    version,
    issuedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    hashKey: key.toString('base64url'),
    credentials: specs.map((s) => credential(s, key)),
  };
}

/** A random 32-byte key, for tests that need another bank's key. */
export function randomKey(): Buffer {
  return randomBytes(32);
}
