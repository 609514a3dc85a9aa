import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

/** The SQL dialects the cloud runs on. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * Which dialect a Kysely instance talks to. Migrations use it to guard the rare construct the
 * schema builder cannot express the same way on both (auto-increment ids).
 */
export function dialectOf(db: Kysely<unknown>): Dialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  throw new Error(`unsupported database adapter ${adapter.constructor.name}`);
}
