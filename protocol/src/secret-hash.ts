import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// The credential format shared by the registry (cloud-api writes `mqtt_accounts`) and the broker
// (which verifies against it). Node-only, so it is a separate entry point of the package
// (`@hameau/protocol/secret-hash`) that pages never pull in.

/**
 * scrypt cost. Device and service secrets are 192 random bits, so the work factor is defence in
 * depth for a leaked credential file, not what protects them; N=2^14 (Node's default, ~16 MiB,
 * tens of ms) keeps a reconnect storm of a whole town affordable on a Raspberry-Pi-class host.
 */
const PARAMS = { ln: 14, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function scryptAsync(secret: string, salt: Buffer, keylen: number, opts: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(secret, salt, keylen, opts, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/** A new random secret: 24 bytes, base64url (32 characters). Shown once, never stored. */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Hashes a secret into a PHC-style string: `$scrypt$ln=14,r=8,p=1$<salt>$<hash>`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(secret, salt, KEY_LENGTH, {
    N: 2 ** PARAMS.ln,
    r: PARAMS.r,
    p: PARAMS.p,
  });
  return `$scrypt$ln=${PARAMS.ln},r=${PARAMS.r},p=${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Checks a secret against a stored hash in constant time. A malformed hash never verifies. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (m === null) return false;
  const [, ln, r, p, saltText, keyText] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const expected = Buffer.from(keyText, 'base64url');
  if (expected.length < 16) return false;
  const key = await scryptAsync(secret, Buffer.from(saltText, 'base64url'), expected.length, {
    N: 2 ** Number(ln),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}
