import { randomInt } from 'node:crypto';

// 31 symbols with no look-alikes (0/o, 1/l/i): a password is typed on a tablet, read off a
// screen or a sheet of paper.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP_LENGTH = 5;

/**
 * A new console password: 20 random symbols of 31 (about 99 bits), in groups of five
 * (`k7mq2-x9tfa-…`). Generated, never chosen, so no one reuses a weak one; long enough that the
 * login throttle, not the hash, is what never has to hold. Shown once, stored as its scrypt hash.
 */
export function generateUserPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)] ?? '';
    groups.push(group);
  }
  return groups.join('-');
}
