import { describe, expect, it } from 'vitest';
import { generateApiToken, hashApiToken, looksLikeApiToken } from '../../src/auth/api-token.js';

describe('API tokens', () => {
  it('are hmt_ and 256 random bits', () => {
    const token = generateApiToken();
    expect(token).toMatch(/^hmt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(generateApiToken()).not.toBe(token);
    expect(looksLikeApiToken(token)).toBe(true);
  });

  it('refuses anything else before a lookup', () => {
    expect(looksLikeApiToken('')).toBe(false);
    expect(looksLikeApiToken('hmt_short')).toBe(false);
    expect(looksLikeApiToken(`xyz_${'a'.repeat(43)}`)).toBe(false);
    expect(looksLikeApiToken(`hmt_${'a'.repeat(43)} `)).toBe(false);
  });

  it('are stored as their sha256, hex', () => {
    // sha256("abc"), FIPS 180-2 test vector.
    expect(hashApiToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
