import { createHmac, randomInt } from 'node:crypto';
import { PICKUP_CODE_DIGITS } from './payloads/locker.js';

// Node-only (crypto), so a separate entry point (`@hameau/protocol/pickup-code`) that pages never
// pull in. The cloud and the locker agent must hash identically, so the rule lives once, here.

/** The keyed hash of a code, as carried in `LockerCredential.codeHash`: HMAC-SHA256, base64url. */
export function hashPickupCode(key: Buffer, code: string): string {
  return createHmac('sha256', key).update(code, 'utf8').digest('base64url');
}

/** A uniformly random code of `PICKUP_CODE_DIGITS` digits, leading zeros kept. */
export function generatePickupCode(): string {
  return String(randomInt(0, 10 ** PICKUP_CODE_DIGITS)).padStart(PICKUP_CODE_DIGITS, '0');
}
