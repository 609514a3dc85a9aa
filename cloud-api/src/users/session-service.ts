import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HameauError, type Clock } from '@hameau/protocol';
import { generateSecret, hashSecret, verifySecret } from '@hameau/protocol/secret-hash';
import { recordAudit } from '../audit/audit-store.js';
import { generateApiToken, hashApiToken } from '../auth/api-token.js';
import type { Caller } from '../auth/caller.js';
import { tokenStore } from '../auth/token-store.js';
import { parseInput } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.js';
import { UserName, type UserRole } from './user.js';
import { subjectOf } from './user-service.js';
import { userStore } from './user-store.js';

/** How long a console session lasts: a working day, then sign in again. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** Ended sessions are kept this long (the audit log keeps the sign-ins for good). */
const ENDED_SESSION_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Per username: five tries, then 1 min, 2, 4 … up to an hour. Per client address, more room
 * (a town hall's staff share one address), the same doubling.
 */
export const USER_LIMITS: ThrottleLimits = Object.freeze({
  freeFailures: 5,
  firstLockMs: 60_000,
  maxLockMs: 3_600_000,
  forgetAfterMs: 3_600_000,
});
export const ADDRESS_LIMITS: ThrottleLimits = Object.freeze({ ...USER_LIMITS, freeFailures: 20 });

export const LoginInput = z
  .object({
    // Lenient: any string is tried (and fails like an unknown user), so the answer never tells
    // a well-formed name from a malformed one.
    username: z.string().trim().toLowerCase().min(1).max(100),
    password: z.string().min(1).max(200),
  })
  .strict();
export type LoginInput = z.input<typeof LoginInput>;

/** A session just opened: the bearer token exists only in this answer. */
export interface OpenedSession {
  readonly token: string;
  readonly user: { readonly name: string; readonly role: UserRole };
  readonly expiresAt: number;
}

/** Who a caller is, for `GET /session`. */
export interface CallerInfo {
  readonly name: string;
  readonly role: Caller['role'];
  /** `session` for a console sign-in, `token` for an API token an admin made. */
  readonly kind: 'session' | 'token';
  readonly expiresAt: number | null;
}

/**
 * Console sign-in: username and password against `users`, a session token (an API token with
 * the person's role and name, ending after `SESSION_TTL_MS`), sign-out, and who-am-I.
 *
 * A failed sign-in answers the same `AUTH_FAILED` whether the user is unknown, the password
 * wrong or the user disabled, after the same work (one scrypt: against a decoy hash when there is
 * no user), so neither the answer nor its timing says which names exist. The audit log, which
 * only admins read, records why.
 */
export class SessionService {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #byUser: LoginThrottle;
  readonly #byAddress: LoginThrottle;
  #decoy: Promise<string> | undefined;

  constructor(deps: { readonly db: Kysely<Schema>; readonly clock: Clock; readonly log: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
    this.#byUser = new LoginThrottle({ clock: deps.clock, limits: USER_LIMITS });
    this.#byAddress = new LoginThrottle({ clock: deps.clock, limits: ADDRESS_LIMITS });
  }

  /** Opens a session, or throws `AUTH_FAILED` or `LOGIN_THROTTLED`. */
  async login(input: LoginInput, client: { readonly address: string }): Promise<OpenedSession> {
    const { username, password } = parseInput(LoginInput, input, 'body');
    const userKey = `user:${username}`;
    const addressKey = `address:${client.address}`;
    const waitMs = Math.max(this.#byUser.waitMs(userKey), this.#byAddress.waitMs(addressKey));
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      throw new HameauError(
        'LOGIN_THROTTLED',
        `too many failed sign-ins: try again in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }

    const user = UserName.safeParse(username).success
      ? await userStore.find(this.#db, username)
      : undefined;
    const matches = await verifySecret(password, user?.hash ?? (await this.#decoyHash()));
    const at = this.#clock.now();
    if (user === undefined || !matches || user.disabled) {
      const reason =
        user === undefined ? 'unknown-user' : !matches ? 'wrong-password' : 'user-disabled';
      const lockedMs = Math.max(this.#byUser.fail(userKey), this.#byAddress.fail(addressKey));
      await recordAudit(this.#db, at, {
        actor: 'public',
        action: 'session.login-failed',
        subject: subjectOf(username),
        details: {
          address: client.address,
          reason,
          ...(lockedMs > 0 && { lockedForSeconds: Math.ceil(lockedMs / 1000) }),
        },
      });
      this.#log.warn({ user: username, address: client.address, reason }, 'sign-in failed');
      throw new HameauError('AUTH_FAILED', 'unknown username or wrong password');
    }

    this.#byUser.succeed(userKey);
    const token = generateApiToken();
    const id = `ses_${randomBytes(8).toString('hex')}`;
    const expiresAt = at + SESSION_TTL_MS;
    await this.#db.transaction().execute(async (trx) => {
      await tokenStore.deleteEndedSessions(trx, at - ENDED_SESSION_RETENTION_MS);
      await tokenStore.insertSession(trx, {
        id,
        userName: user.name,
        role: user.role,
        hash: hashApiToken(token),
        createdAt: at,
        expiresAt,
      });
      await recordAudit(trx, at, {
        actor: user.name,
        action: 'session.login',
        subject: subjectOf(user.name),
        details: {
          session: id,
          address: client.address,
          expiresAt: new Date(expiresAt).toISOString(),
        },
      });
    });
    this.#log.info({ user: user.name, session: id }, 'signed in');
    return { token, user: { name: user.name, role: user.role }, expiresAt };
  }

  /** Ends the caller's session. An API token is not a session: revoke it at `/tokens`. */
  async logout(caller: Caller): Promise<void> {
    const at = this.#clock.now();
    await this.#db.transaction().execute(async (trx) => {
      const user =
        caller.tokenId === null
          ? undefined
          : await tokenStore.revokeSession(trx, caller.tokenId, at);
      if (user === undefined) {
        throw new HameauError(
          'FORBIDDEN',
          'only a console session signs out; an API token is revoked with DELETE /api/v1/tokens/{id}',
        );
      }
      await recordAudit(trx, at, {
        actor: user,
        action: 'session.logout',
        subject: subjectOf(user),
        details: { session: caller.tokenId },
      });
    });
  }

  /** The caller's name, role and, for a session, when it ends. */
  async whoAmI(caller: Caller): Promise<CallerInfo> {
    const session =
      caller.tokenId === null ? undefined : await tokenStore.findSession(this.#db, caller.tokenId);
    return session === undefined
      ? { name: caller.name, role: caller.role, kind: 'token', expiresAt: null }
      : { name: caller.name, role: caller.role, kind: 'session', expiresAt: session.expiresAt };
  }

  /** Makes the decoy hash now, so that not even the first unknown name answers slower. */
  async warmUp(): Promise<void> {
    await this.#decoyHash();
  }

  /** A hash of a random secret nobody knows, made once: unknown users cost the same scrypt. */
  #decoyHash(): Promise<string> {
    this.#decoy ??= hashSecret(generateSecret());
    return this.#decoy;
  }
}
