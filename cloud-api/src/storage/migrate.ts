import { inspect } from 'node:util';
import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import { HameauError } from '@hameau/protocol';
import { MIGRATIONS } from './migrations/index.js';

/** Serves migrations from code, so the compiled `dist/` needs no migration folder at run time. */
class InCodeMigrationProvider implements MigrationProvider {
  readonly #migrations: Readonly<Record<string, Migration>>;

  constructor(migrations: Readonly<Record<string, Migration>>) {
    this.#migrations = migrations;
  }

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...this.#migrations });
  }
}

/**
 * Brings the schema up to date and returns the names of the migrations it ran (none when it
 * already was). Kysely's migration lock makes concurrent starts of several API instances safe.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  migrations: Readonly<Record<string, Migration>> = MIGRATIONS,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(migrations) });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    const cause = error instanceof Error ? error.message : inspect(error);
    throw new HameauError('MIGRATION_FAILED', `migration ${failed} failed: ${cause}`, {
      migration: failed,
    });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
