import { randomBytes } from 'node:crypto';
import type { CredentialSetPayload } from '@hameau/protocol';
import { generatePickupCode, hashPickupCode } from '@hameau/protocol/pickup-code';

const HOUR_MS = 3_600_000;

/** A credential set and the codes behind it, one per box. */
export interface CredentialBatch {
  readonly set: CredentialSetPayload;
  /** The pickup code of each box in the set. */
  readonly codes: ReadonlyMap<number, string>;
}

/**
 * Makes the bank's credential sets as the cloud would: one HMAC key for the bank, then a whole
 * set per batch holding one fresh pickup code for each box, valid from an hour ago for a day.
 * Codes are single-use, so each batch serves one sample per box; the next set replaces it.
 */
export class CredentialBatches {
  readonly #key = randomBytes(32);
  #version = 0;
  #serial = 0;

  next(boxes: readonly number[], now = Date.now()): CredentialBatch {
    this.#version += 1;
    const codes = new Map<number, string>();
    const used = new Set<string>();
    const credentials = boxes.map((box) => {
      let code = generatePickupCode();
      // Two boxes with one code would make the code check ambiguous; the cloud never issues that.
      while (used.has(code)) code = generatePickupCode();
      used.add(code);
      codes.set(box, code);
      this.#serial += 1;
      return {
        id: `bench-${String(this.#serial).padStart(6, '0')}`,
        kind: 'pickup' as const,
        box,
        codeHash: hashPickupCode(this.#key, code),
        validFrom: new Date(now - HOUR_MS).toISOString(),
        expiresAt: new Date(now + 24 * HOUR_MS).toISOString(),
      };
    });
    return {
      set: {
        version: this.#version,
        issuedAt: new Date(now).toISOString(),
        hashKey: this.#key.toString('base64url'),
        credentials,
      },
      codes,
    };
  }
}
