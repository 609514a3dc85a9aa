import { describe, expect, it } from 'vitest';
import { generateUserPassword } from '../../src/users/user-password.js';

describe('generateUserPassword', () => {
  it('makes four groups of five symbols without look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      expect(generateUserPassword()).toMatch(
        /^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/,
      );
    }
  });

  it('never repeats itself', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateUserPassword()));
    expect(seen.size).toBe(1000);
  });
});
