import type { Kysely } from 'kysely';
import type { HameauError } from '@hameau/protocol';
import { hashSecret } from '@hameau/protocol/secret-hash';
import { recordAudit, type AuditRecord } from '../audit/audit-store.js';
import type { Schema } from '../storage/schema.js';
import { isUniqueViolation } from '../storage/unique-violation.js';

/**
 * Creates something that signs in with a generated secret (a device's or a service's MQTT
 * account, a console user): the secret is hashed before the transaction (scrypt takes tens of
 * ms and SQLite has one writer), the rows `insert` writes and their audit row commit together,
 * and a unique-key violation becomes `conflict()`, so two racing creations never both succeed.
 * Returns the secret: the only copy, never stored or logged.
 */
export async function createWithSecret(
  db: Kysely<Schema>,
  spec: {
    readonly generate: () => string;
    readonly at: number;
    /** Writes the rows, with the secret's hash; may throw its own errors (they pass through). */
    readonly insert: (trx: Kysely<Schema>, hash: string) => Promise<void>;
    readonly audit: AuditRecord;
    readonly conflict: () => HameauError;
  },
): Promise<string> {
  const secret = spec.generate();
  const hash = await hashSecret(secret);
  try {
    await db.transaction().execute(async (trx) => {
      await spec.insert(trx, hash);
      await recordAudit(trx, spec.at, spec.audit);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw spec.conflict();
    throw err;
  }
  return secret;
}
