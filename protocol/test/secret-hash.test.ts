import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, verifySecret } from '../src/secret-hash.js';

// A fixture hash made before the broker and the registry shared this module: stored hashes must
// keep verifying across releases.
const BROKER_SECRET = 'mj-BlB8S5uGGMBbBUxkoWRSxa5dg7lah';
const BROKER_HASH =
  '$scrypt$ln=14,r=8,p=1$BG2BtXDtFbtpUh8aYvJSyg$dngOa_sX-pFeW9z4D3NPwtgk0eeDVbJnpnbHY5ah3GQ';

describe('secret hashing', () => {
  it('verifies a stored hash made by an earlier release', async () => {
    expect(await verifySecret(BROKER_SECRET, BROKER_HASH)).toBe(true);
    expect(await verifySecret(`${BROKER_SECRET}x`, BROKER_HASH)).toBe(false);
  });

  it("writes the broker's PHC format with its parameters", async () => {
    const secret = generateSecret();
    const hash = await hashSecret(secret);
    expect(hash).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifySecret(secret, hash)).toBe(true);
  });

  it('generates 192-bit secrets and salts every hash', async () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateSecret()).not.toBe(secret);
    expect(await hashSecret(secret)).not.toBe(await hashSecret(secret));
  });

  it('never verifies a malformed hash', async () => {
    expect(await verifySecret('x', 'plain-text')).toBe(false);
    expect(await verifySecret('x', '$scrypt$ln=14,r=8,p=1$c2FsdA$c2hvcnQ')).toBe(false);
  });
});
