import { describe, expect, it } from 'vitest';
import { CredentialSetPayload, PICKUP_CODE_DIGITS } from '@hameau/protocol';
import { hashPickupCode } from '@hameau/protocol/pickup-code';
import { CredentialBatches } from '../../src/locker/credential-batch.js';

const NOW = Date.UTC(2026, 10, 25, 21);

describe('CredentialBatches', () => {
  it('makes a valid set with one code per box, whose hash is under the set’s key', () => {
    const { set, codes } = new CredentialBatches().next([1, 2, 3], NOW);
    expect(CredentialSetPayload.parse(set)).toEqual(set);
    expect([...codes.keys()]).toEqual([1, 2, 3]);
    const key = Buffer.from(set.hashKey, 'base64url');
    for (const c of set.credentials) {
      const code = codes.get(c.box) ?? '';
      expect(code).toMatch(new RegExp(`^[0-9]{${PICKUP_CODE_DIGITS}}$`));
      expect(c.codeHash).toBe(hashPickupCode(key, code));
      expect(c.kind).toBe('pickup');
      expect(Date.parse(c.validFrom)).toBeLessThan(NOW);
      expect(Date.parse(c.expiresAt)).toBeGreaterThan(NOW);
    }
  });

  it('gives each batch a newer version, the same key and fresh credential ids', () => {
    const batches = new CredentialBatches();
    const a = batches.next([1, 2], NOW);
    const b = batches.next([1, 2], NOW);
    expect(b.set.version).toBe(a.set.version + 1);
    expect(b.set.hashKey).toBe(a.set.hashKey);
    const ids = [...a.set.credentials, ...b.set.credentials].map((c) => c.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('never gives two boxes of a set the same code', () => {
    const boxes = Array.from({ length: 500 }, (_, i) => i + 1);
    const { codes } = new CredentialBatches().next(boxes, NOW);
    expect(new Set(codes.values()).size).toBe(500);
  });
});
