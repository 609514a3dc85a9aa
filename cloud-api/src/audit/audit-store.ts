import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';

/** One row of the audit log, as services write it. Never put a secret or a hash in `details`. */
export interface AuditRecord {
  readonly actor: string;
  /** `<domain>.<verb>`, e.g. `device.create`, `token.revoke`. */
  readonly action: string;
  /** What the action was done to: `site/device`, a token id, an account name. */
  readonly subject: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: Record<string, unknown>;
}

/**
 * Appends to the audit log. Services call it with the transaction that makes the change, so a
 * change and its audit row are committed together or not at all.
 */
export async function recordAudit(
  db: Kysely<Schema>,
  at: number,
  record: AuditRecord,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at,
      actor: record.actor,
      action: record.action,
      subject: record.subject,
      details: JSON.stringify(record.details ?? {}),
    })
    .execute();
}

/** Newest first; `beforeId` pages back from an entry already seen. */
export async function listAudit(
  db: Kysely<Schema>,
  query: { readonly limit: number; readonly beforeId?: number | undefined },
): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
