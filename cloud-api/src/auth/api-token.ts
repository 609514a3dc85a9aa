import { createHash, randomBytes } from 'node:crypto';

/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs). */
const PREFIX = 'hmt_';
const TOKEN = /^hmt_[A-Za-z0-9_-]{43}$/;

/** A new API token: `hmt_` and 256 random bits, base64url. Shown once, never stored. */
export function generateApiToken(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Whether a string has the shape of a token (checked before any database lookup). */
export function looksLikeApiToken(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * The stored form of a token: sha256, hex. A slow hash (scrypt, as for device passwords) exists
 * to make guessing a low-entropy secret expensive; a 256-bit random token cannot be guessed
 * whatever the hash, and a fast deterministic hash lets every request find its token with one
 * indexed lookup instead of an scrypt per request. The lookup is by hash, so its timing reveals
 * nothing about a real token's bytes.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
