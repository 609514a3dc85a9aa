import type { Database } from 'better-sqlite3';
import { ConfigError, type Clock } from '@hameau/protocol';
import type { Migration } from './agent-db-migrations.js';

/**
 * Applies the migrations a database has not seen yet, each in its own transaction together with
 * the row that records it, so a crash leaves either the whole step or none of it. Returns the
 * versions applied. Refuses a database written by a newer agent (a downgrade would otherwise run
 * against a schema it does not know).
 */
export function applyMigrations(
  db: Database,
  migrations: readonly Migration[],
  clock: Clock,
  source: string,
): number[] {
  const problems: string[] = [];
  migrations.forEach((m, i) => {
    const previous = migrations[i - 1];
    if (!Number.isInteger(m.version) || m.version < 1) {
      problems.push(`migration "${m.name}": version must be a positive integer`);
    }
    if (previous !== undefined && m.version <= previous.version) {
      problems.push(`migration "${m.name}": version ${m.version} is not after ${previous.version}`);
    }
  });
  if (problems.length > 0) throw new ConfigError('agent database migrations', problems);

  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migration (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )
  `);
  const appliedVersions = () =>
    new Set(
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migration')
        .all()
        .map((r) => r.version),
    );

  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...appliedVersions()].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new ConfigError(source, [
      `schema versions ${unknown.join(', ')} were applied by a newer agent; ` +
        'run that version or restore a backup taken before the upgrade',
    ]);
  }

  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const m of migrations) {
    // Checked again inside the write lock: another process may have migrated meanwhile.
    const step = db.transaction(() => {
      if (appliedVersions().has(m.version)) return false;
      db.exec(m.sql);
      record.run(m.version, m.name, clock.now());
      return true;
    });
    if (step.immediate()) applied.push(m.version);
  }
  return applied;
}
