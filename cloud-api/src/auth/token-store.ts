import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';
import type { TokenRole } from './caller.js';

/** An API token as listed: never its hash. */
export interface ApiTokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** Queries on `api_tokens`; every function takes a Kysely instance or a transaction. */
export const tokenStore = {
  async insert(
    db: Kysely<Schema>,
    row: { id: string; name: string; role: TokenRole; hash: string; createdAt: number },
  ): Promise<void> {
    await db
      .insertInto('api_tokens')
      .values({
        id: row.id,
        name: row.name,
        role: row.role,
        hash: row.hash,
        created_at: row.createdAt,
        revoked_at: null,
      })
      .execute();
  },

  async findActiveByHash(db: Kysely<Schema>, hash: string): Promise<ApiTokenInfo | undefined> {
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toInfo(row);
  },

  async findActiveByName(db: Kysely<Schema>, name: string): Promise<ApiTokenInfo | undefined> {
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toInfo(row);
  },

  async list(db: Kysely<Schema>): Promise<ApiTokenInfo[]> {
    const rows = await db
      .selectFrom('api_tokens')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toInfo);
  },

  /** Marks an active token revoked; false when there is no such active token. */
  async revoke(db: Kysely<Schema>, id: string, at: number): Promise<ApiTokenInfo | undefined> {
    const row = await db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row && toInfo(row);
  },

  async hasActiveRole(db: Kysely<Schema>, role: TokenRole): Promise<boolean> {
    const row = await db
      .selectFrom('api_tokens')
      .select('id')
      .where('role', '=', role)
      .where('revoked_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },
};

function toInfo(row: {
  id: string;
  name: string;
  role: string;
  created_at: number;
  revoked_at: number | null;
}): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    // The table's check constraint admits only token roles.
    role: row.role as TokenRole,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
