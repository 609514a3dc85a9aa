import type { Kysely } from 'kysely';
import type { Schema } from '../storage/schema.js';
import type { User, UserRole } from './user.js';

/** A user with the stored hash, for sign-in only. */
export interface UserWithHash extends User {
  readonly hash: string;
}

/** Queries on `users`; every function takes a Kysely instance or a transaction. */
export const userStore = {
  async insert(
    db: Kysely<Schema>,
    row: { name: string; role: UserRole; hash: string; createdAt: number; createdBy: string },
  ): Promise<void> {
    await db
      .insertInto('users')
      .values({
        name: row.name,
        role: row.role,
        hash: row.hash,
        disabled: 0,
        created_at: row.createdAt,
        created_by: row.createdBy,
        updated_at: row.createdAt,
      })
      .execute();
  },

  async find(db: Kysely<Schema>, name: string): Promise<UserWithHash | undefined> {
    const row = await db
      .selectFrom('users')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && { ...toUser(row), hash: row.hash };
  },

  async list(db: Kysely<Schema>): Promise<User[]> {
    const rows = await db.selectFrom('users').selectAll().orderBy('name').execute();
    return rows.map(toUser);
  },

  /** Sets the disabled flag; undefined when there is no such user. */
  async setDisabled(
    db: Kysely<Schema>,
    name: string,
    disabled: boolean,
    at: number,
  ): Promise<User | undefined> {
    const row = await db
      .updateTable('users')
      .set({ disabled: disabled ? 1 : 0, updated_at: at })
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    return row && toUser(row);
  },

  /** Replaces the password hash; undefined when there is no such user. */
  async setHash(
    db: Kysely<Schema>,
    name: string,
    hash: string,
    at: number,
  ): Promise<User | undefined> {
    const row = await db
      .updateTable('users')
      .set({ hash, updated_at: at })
      .where('name', '=', name)
      .returningAll()
      .executeTakeFirst();
    return row && toUser(row);
  },
};

function toUser(row: {
  name: string;
  role: UserRole;
  disabled: number;
  created_at: number;
  created_by: string;
  updated_at: number;
}): User {
  return {
    name: row.name,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
}
