import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HameauError, type Clock } from '@hameau/protocol';
import { hashSecret } from '@hameau/protocol/secret-hash';
import { createWithSecret } from '../accounts/create-with-secret.js';
import { recordAudit } from '../audit/audit-store.js';
import { tokenStore } from '../auth/token-store.js';
import { parseInput } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import { UserName, UserRole, type User } from './user.js';
import { generateUserPassword } from './user-password.js';
import { userStore } from './user-store.js';

export const CreateUserInput = z.object({ name: UserName, role: UserRole }).strict();
export type CreateUserInput = z.input<typeof CreateUserInput>;

/** A user with the password just generated: the only time it exists outside their hands. */
export interface UserWithPassword extends User {
  readonly password: string;
}

/**
 * Console users (technicians and admins): creation with a generated password shown once,
 * listing, disabling and password resets. Disabling or resetting ends the person's sessions at
 * once. Every change writes its audit row in the same transaction.
 */
export class UserService {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #log: Logger;

  constructor(deps: { readonly db: Kysely<Schema>; readonly clock: Clock; readonly log: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
  }

  /** Creates a user; the generated password is in the result and nowhere else. */
  async create(input: CreateUserInput, actor: string): Promise<UserWithPassword> {
    const { name, role } = parseInput(CreateUserInput, input);
    const at = this.#clock.now();
    const password = await createWithSecret(this.#db, {
      generate: generateUserPassword,
      at,
      insert: async (trx, hash) => {
        // A user and an API token never share a name: it is the actor of their audit rows.
        if ((await tokenStore.findActiveByName(trx, name)) !== undefined) {
          throw new HameauError('CREDENTIAL_EXISTS', `an API token is named ${name}`, { name });
        }
        await userStore.insert(trx, { name, role, hash, createdAt: at, createdBy: actor });
      },
      audit: { actor, action: 'user.create', subject: subjectOf(name), details: { role } },
      conflict: () =>
        new HameauError('CREDENTIAL_EXISTS', `a user named ${name} already exists`, { name }),
    });
    this.#log.info({ user: name, role, actor }, 'console user created');
    return {
      name,
      role,
      disabled: false,
      createdAt: at,
      createdBy: actor,
      updatedAt: at,
      password,
    };
  }

  list(): Promise<User[]> {
    return userStore.list(this.#db);
  }

  /** Refuses the user's sign-ins and ends their sessions. Disabling twice changes nothing more. */
  disable(name: string, actor: string): Promise<User> {
    return this.#setDisabled(name, true, actor);
  }

  /** Lets a disabled user sign in again (with the password they had). */
  enable(name: string, actor: string): Promise<User> {
    return this.#setDisabled(name, false, actor);
  }

  /** Replaces the password with a new generated one, shown once; ends the user's sessions. */
  async resetPassword(name: string, actor: string): Promise<UserWithPassword> {
    const password = generateUserPassword();
    const hash = await hashSecret(password);
    const at = this.#clock.now();
    const user = await this.#db.transaction().execute(async (trx) => {
      const updated = await userStore.setHash(trx, name, hash, at);
      if (updated === undefined) throw notFound(name);
      const sessions = await tokenStore.revokeSessionsOf(trx, name, at);
      await recordAudit(trx, at, {
        actor,
        action: 'user.reset-password',
        subject: subjectOf(name),
        details: { sessionsEnded: sessions },
      });
      return updated;
    });
    this.#log.info({ user: name, actor }, 'console user password reset');
    return { ...user, password };
  }

  async #setDisabled(name: string, disabled: boolean, actor: string): Promise<User> {
    const at = this.#clock.now();
    return this.#db.transaction().execute(async (trx) => {
      const user = await userStore.setDisabled(trx, name, disabled, at);
      if (user === undefined) throw notFound(name);
      const sessions = disabled ? await tokenStore.revokeSessionsOf(trx, name, at) : 0;
      await recordAudit(trx, at, {
        actor,
        action: disabled ? 'user.disable' : 'user.enable',
        subject: subjectOf(name),
        details: disabled ? { sessionsEnded: sessions } : {},
      });
      return user;
    });
  }
}

/** The audit subject of everything about a user: `user/<name>`. */
export function subjectOf(name: string): string {
  return `user/${name}`;
}

function notFound(name: string): HameauError {
  return new HameauError('USER_NOT_FOUND', `no console user named ${name}`, { name });
}
