import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { HameauError, type Clock } from '@hameau/protocol';
import { recordAudit } from '../audit/audit-store.js';
import { parseInput } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import { isUniqueViolation } from '../storage/unique-violation.js';
import { generateApiToken, hashApiToken, looksLikeApiToken } from './api-token.js';
import { TokenRole, type Caller } from './caller.js';
import { tokenStore, type ApiTokenInfo } from './token-store.js';

/** Actor names the system itself uses in the audit log; no token may take them. */
export const RESERVED_ACTORS: readonly string[] = ['system', 'public'];

/** A token's name: who or what holds it; it is the actor in the audit log. */
export const TokenName = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9 ._@-]{0,62}[A-Za-z0-9])?$/, {
    message: 'name must be 1-64 letters, digits, spaces or . _ @ -, not at either end',
  })
  .refine((name) => !RESERVED_ACTORS.includes(name), { message: 'name is reserved' });

export const CreateTokenInput = z.object({ name: TokenName, role: TokenRole }).strict();
export type CreateTokenInput = z.input<typeof CreateTokenInput>;

/** A new token: the only time its secret exists outside the caller's hands. */
export interface CreatedToken extends ApiTokenInfo {
  readonly token: string;
}

/** API tokens: creation (shown once), authentication by hash, listing and revocation. */
export class TokenService {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;

  constructor(deps: { readonly db: Kysely<Schema>; readonly clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  /** Creates a token; its secret is in the result and nowhere else. */
  async create(input: CreateTokenInput, actor: string): Promise<CreatedToken> {
    const { name, role } = parseInput(CreateTokenInput, input);
    const token = generateApiToken();
    const info: ApiTokenInfo = {
      id: `tok_${randomBytes(8).toString('hex')}`,
      name,
      role,
      createdAt: this.#clock.now(),
      revokedAt: null,
    };
    try {
      await this.#db.transaction().execute(async (trx) => {
        // A token and a console user never share a name: it is the actor of their audit rows.
        if (await userNameTaken(trx, name)) {
          throw new HameauError('TOKEN_EXISTS', `a console user is named ${name}`, { name });
        }
        await tokenStore.insert(trx, { ...info, hash: hashApiToken(token) });
        await recordAudit(trx, info.createdAt, {
          actor,
          action: 'token.create',
          subject: info.id,
          details: { name, role },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new HameauError('TOKEN_EXISTS', `an active token is already named ${name}`, { name });
      }
      throw err;
    }
    return { ...info, token };
  }

  /**
   * The caller a bearer token stands for, or null when it is unknown, malformed, revoked or (a
   * console session) expired.
   */
  async authenticate(token: string): Promise<Caller | null> {
    if (!looksLikeApiToken(token)) return null;
    const info = await tokenStore.findActiveByHash(
      this.#db,
      hashApiToken(token),
      this.#clock.now(),
    );
    return info ? { role: info.role, name: info.name, tokenId: info.id } : null;
  }

  list(): Promise<ApiTokenInfo[]> {
    return tokenStore.list(this.#db);
  }

  /** Revokes an active token; requests with it fail from now on. */
  async revoke(id: string, actor: string): Promise<ApiTokenInfo> {
    const at = this.#clock.now();
    return this.#db.transaction().execute(async (trx) => {
      const revoked = await tokenStore.revoke(trx, id, at);
      if (revoked === undefined) {
        throw new HameauError('TOKEN_NOT_FOUND', `no active token with id ${id}`, { id });
      }
      await recordAudit(trx, at, {
        actor,
        action: 'token.revoke',
        subject: id,
        details: { name: revoked.name, role: revoked.role },
      });
      return revoked;
    });
  }

  /** Whether anyone can administer the API (the server bootstraps a token when not). */
  hasActiveAdmin(): Promise<boolean> {
    return tokenStore.hasActiveRole(this.#db, 'admin');
  }
}

async function userNameTaken(db: Kysely<Schema>, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('name')
    .where('name', '=', name)
    .executeTakeFirst();
  return row !== undefined;
}
