import { describe, expect, it } from 'vitest';
import { CredentialSetPayload, PICKUP_CODE_DIGITS, PickupCode } from '../src/index.js';
import { generatePickupCode, hashPickupCode } from '../src/pickup-code.js';

describe('hashPickupCode', () => {
  it('is HMAC-SHA256 in base64url, as openssl computes it', () => {
    // echo -n 01234567 | openssl dgst -sha256 -mac HMAC -macopt hexkey:aaaa…(32 bytes) -binary
    const key = Buffer.alloc(32, 0xaa);
    expect(hashPickupCode(key, '01234567')).toBe('8uZ0RHkdJVHKoWM8pKh5YYuKcRXG54X9NNk5P9P_Fxk');
  });

  it('gives different hashes under different bank keys', () => {
    const code = '01234567';
    expect(hashPickupCode(Buffer.alloc(32, 1), code)).not.toBe(
      hashPickupCode(Buffer.alloc(32, 2), code),
    );
  });
});

describe('generatePickupCode', () => {
  it('gives codes of the documented length that the schema accepts, leading zeros kept', () => {
    const codes = Array.from({ length: 2000 }, () => generatePickupCode());
    for (const code of codes) {
      expect(code).toHaveLength(PICKUP_CODE_DIGITS);
      expect(PickupCode.safeParse(code).success).toBe(true);
    }
    // 2000 draws from 10^8: a repeat is a one-in-fifty chance, so demand at least 1990 distinct.
    expect(new Set(codes).size).toBeGreaterThan(1990);
  });
});

describe('CredentialSetPayload', () => {
  it('refuses two credentials with one id', () => {
    const cred = {
      id: 'resv-0001-pickup',
      kind: 'pickup',
      box: 1,
      codeHash: 'h'.repeat(43),
      validFrom: '2026-11-25T21:00:00.000Z',
      expiresAt: '2026-11-26T21:00:00.000Z',
    };
    const set = { version: 1, issuedAt: '2026-11-25T12:00:00.000Z', hashKey: 'k'.repeat(43) };
    expect(CredentialSetPayload.safeParse({ ...set, credentials: [cred] }).success).toBe(true);
    expect(CredentialSetPayload.safeParse({ ...set, credentials: [cred, cred] }).success).toBe(
      false,
    );
  });
});
