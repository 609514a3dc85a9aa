import type { CredentialSetPayload, LockerCredential } from '@hameau/protocol';
import { credentialIdsOf, type LockerBank } from './locker.js';
import { credentialKindsOf } from './reservation-transition.js';
import type { ActiveCredentials } from './reservation-store.js';

/**
 * A bank's whole credential set at its current version: for each active reservation, a
 * `dropoff` credential while it is `reserved` (valid from its creation to its expiry) and a
 * `pickup` credential while it is `reserved`, `deposited` or `ready` (valid from `pickupFrom`).
 * Ordered by box and kind, so the same state always gives the same message.
 */
export function credentialSetOf(
  bank: LockerBank,
  hashKey: Buffer,
  active: readonly ActiveCredentials[],
): CredentialSetPayload {
  const credentials: LockerCredential[] = [];
  for (const r of [...active].sort((a, b) => a.box - b.box || (a.id < b.id ? -1 : 1))) {
    const ids = credentialIdsOf(r.id);
    for (const kind of credentialKindsOf(r.state)) {
      credentials.push(
        kind === 'dropoff'
          ? {
              id: ids.dropoff,
              kind,
              box: r.box,
              codeHash: r.dropoffCodeHash,
              validFrom: iso(r.createdAt),
              expiresAt: iso(r.expiresAt),
            }
          : {
              id: ids.pickup,
              kind,
              box: r.box,
              codeHash: r.pickupCodeHash,
              validFrom: iso(r.pickupFrom),
              expiresAt: iso(r.expiresAt),
            },
      );
    }
  }
  return {
    version: bank.credentialVersion,
    issuedAt: iso(bank.credentialsIssuedAt),
    hashKey: hashKey.toString('base64url'),
    credentials,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
