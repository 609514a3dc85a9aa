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

/** A console session: a token that names its person and ends by itself. */
export interface SessionTokenInfo extends ApiTokenInfo {
  readonly userName: string;
  readonly expiresAt: number;
}

/** What authentication needs of a live token. */
export interface LiveToken extends ApiTokenInfo {
  /** Null for a token an admin made; the person's name for a console session. */
  readonly userName: string | null;
  readonly expiresAt: number | null;
}

/**
 * Queries on `api_tokens`; every function takes a Kysely instance or a transaction. Listing,
 * naming and the bootstrap check concern the tokens admins make; sessions (`user_name` set) are
 * the users domain's, through `insertSession`, `findSession` and `revokeSessionsOf`.
 */
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

  async insertSession(
    db: Kysely<Schema>,
    row: {
      id: string;
      userName: string;
      role: TokenRole;
      hash: string;
      createdAt: number;
      expiresAt: number;
    },
  ): Promise<void> {
    await db
      .insertInto('api_tokens')
      .values({
        id: row.id,
        name: row.userName,
        role: row.role,
        hash: row.hash,
        created_at: row.createdAt,
        revoked_at: null,
        user_name: row.userName,
        expires_at: row.expiresAt,
      })
      .execute();
  },

  /** The token with this hash, unless it is revoked or expired at `now`. */
  async findActiveByHash(
    db: Kysely<Schema>,
    hash: string,
    now: number,
  ): Promise<LiveToken | undefined> {
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('hash', '=', hash)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    return row && { ...toInfo(row), userName: row.user_name, expiresAt: row.expires_at };
  },

  /** A session by id, live or not; undefined for an unknown id or an admin-made token. */
  async findSession(db: Kysely<Schema>, id: string): Promise<SessionTokenInfo | undefined> {
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .where('user_name', 'is not', null)
      .executeTakeFirst();
    if (row?.user_name == null || row.expires_at === null) return undefined;
    return { ...toInfo(row), userName: row.user_name, expiresAt: row.expires_at };
  },

  /** Revokes one live session (sign-out); undefined when it is not a live session. */
  async revokeSession(db: Kysely<Schema>, id: string, at: number): Promise<string | undefined> {
    const row = await db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('user_name', 'is not', null)
      .where('revoked_at', 'is', null)
      .returning('user_name')
      .executeTakeFirst();
    return row?.user_name ?? undefined;
  },

  /** Revokes every live session of a person; returns how many. */
  async revokeSessionsOf(db: Kysely<Schema>, userName: string, at: number): Promise<number> {
    const rows = await db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('user_name', '=', userName)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .returning('id')
      .execute();
    return rows.length;
  },

  /** Forgets sessions that ended (expired or revoked) before `before`: one row per sign-in. */
  async deleteEndedSessions(db: Kysely<Schema>, before: number): Promise<void> {
    await db
      .deleteFrom('api_tokens')
      .where('user_name', 'is not', null)
      .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
      .execute();
  },

  async findActiveByName(db: Kysely<Schema>, name: string): Promise<ApiTokenInfo | undefined> {
    const row = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('name', '=', name)
      .where('revoked_at', 'is', null)
      .where('user_name', 'is', null)
      .executeTakeFirst();
    return row && toInfo(row);
  },

  async list(db: Kysely<Schema>): Promise<ApiTokenInfo[]> {
    const rows = await db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_name', 'is', null)
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
      .where('user_name', 'is', null)
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
      .where('user_name', 'is', null)
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
