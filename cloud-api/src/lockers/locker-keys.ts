import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';
import { hashPickupCode } from '@hameau/protocol/pickup-code';

/**
 * The secret every bank's code-hash key is derived from. Long enough that guessing it is out of
 * the question: the key is what keeps an 8-digit code's hash from being brute-forced offline.
 */
export const LockerPepper = z
  .string()
  .min(32, { message: 'the locker pepper must be at least 32 characters' });

/**
 * A bank's key for code hashes: HMAC-SHA256(pepper, `locker-bank:{site}/{device}`), 32 bytes.
 * Derived, never stored: the database holds neither the pepper nor a key, so a leaked database
 * gives hashes nobody can test 10^8 codes against. Each bank gets its own key, so the set one
 * bank holds says nothing about another's codes.
 */
export function bankHashKey(pepper: string, site: string, device: string): Buffer {
  return createHmac('sha256', pepper).update(`locker-bank:${site}/${device}`, 'utf8').digest();
}

/** The stored and published hash of a code for a bank's key. */
export function codeHashOf(key: Buffer, code: string): string {
  return hashPickupCode(key, code);
}

/**
 * The pepper, in this order: the configured value (`HAMEAU_LOCKER_PEPPER`), the configured file
 * (`HAMEAU_LOCKER_PEPPER_FILE`), or the file the API generated on its first start
 * (`provisionedFile`, `<dataDir>/locker-pepper`, mode 0600), generated now when it does not
 * exist. Changing the pepper changes every bank's key: the codes already handed out stop
 * working once the new sets reach the banks, so the file must be backed up with the database.
 */
export function resolveLockerPepper(
  config: { readonly pepper?: string | undefined; readonly pepperFile?: string | undefined },
  deps: { readonly log: Logger; readonly provisionedFile: string },
): string {
  if (config.pepper !== undefined) return checked(config.pepper, 'HAMEAU_LOCKER_PEPPER');
  if (config.pepperFile !== undefined) {
    const variable = 'HAMEAU_LOCKER_PEPPER_FILE';
    return checked(readPepper(config.pepperFile, variable), variable);
  }
  if (existsSync(deps.provisionedFile)) {
    const where = `the pepper file ${deps.provisionedFile}`;
    return checked(readPepper(deps.provisionedFile, where), where);
  }
  const pepper = randomBytes(32).toString('base64url');
  mkdirSync(dirname(deps.provisionedFile), { recursive: true });
  try {
    // `wx`: of two API instances starting together on one data dir, one writes, one reads.
    writeFileSync(deps.provisionedFile, `${pepper}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const where = `the pepper file ${deps.provisionedFile}`;
    return checked(readPepper(deps.provisionedFile, where), where);
  }
  chmodSync(deps.provisionedFile, 0o600);
  deps.log.info({ file: deps.provisionedFile }, 'locker pepper generated; back it up');
  return pepper;
}

function readPepper(file: string, where: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError('API environment', [
      `${where}: cannot read ${file} (${(err as Error).message})`,
    ]);
  }
}

/** The pepper if long enough; the error names where it came from, never the value. */
function checked(pepper: string, where: string): string {
  const result = LockerPepper.safeParse(pepper);
  if (result.success) return result.data;
  throw new ConfigError('API environment', [
    `${where}: ${result.error.issues[0]?.message ?? 'invalid'}`,
  ]);
}
