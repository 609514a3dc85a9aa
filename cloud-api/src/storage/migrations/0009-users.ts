import { sql, type Kysely, type Migration } from 'kysely';

/**
 * People who sign in to the technician console with a username and a password, and the sessions
 * they get. A session is an API token (the same hash lookup, the same roles and guards) that
 * names its person in `user_name` and ends at `expires_at`. Tokens made by an admin have neither.
 *
 * The unique index on active token names becomes one on active *API tokens'* names: a person may
 * hold several sessions at once (a tablet and a desk), all with their name as the audit actor.
 */
export const usersMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('users_role', sql`role in ('technician', 'admin')`)
      .addCheckConstraint('users_disabled', sql`disabled in (0, 1)`)
      .execute();

    // SQLite alters one column per statement.
    await db.schema.alterTable('api_tokens').addColumn('user_name', 'text').execute();
    await db.schema.alterTable('api_tokens').addColumn('expires_at', 'bigint').execute();
    await db.schema.dropIndex('api_tokens_active_name').execute();
    await db.schema
      .createIndex('api_tokens_active_name')
      .on('api_tokens')
      .column('name')
      .unique()
      .where(sql.ref('revoked_at'), 'is', null)
      .where(sql.ref('user_name'), 'is', null)
      .execute();
    // Disabling a person or resetting their password revokes their sessions by name.
    await db.schema
      .createIndex('api_tokens_by_user')
      .on('api_tokens')
      .column('user_name')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('api_tokens_by_user').execute();
    await db.schema.dropIndex('api_tokens_active_name').execute();
    await sql`delete from api_tokens where user_name is not null`.execute(db);
    await db.schema
      .createIndex('api_tokens_active_name')
      .on('api_tokens')
      .column('name')
      .unique()
      .where(sql.ref('revoked_at'), 'is', null)
      .execute();
    await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute();
    await db.schema.alterTable('api_tokens').dropColumn('user_name').execute();
    await db.schema.dropTable('users').execute();
  },
};
