import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import DatabaseConstructor, { type Database } from 'better-sqlite3';
import { ConfigError, systemClock, type Clock } from '@hameau/protocol';
import { AGENT_DB_MIGRATIONS } from './agent-db-migrations.js';
import { applyMigrations } from './apply-migrations.js';

/** How long a statement waits for another connection's write lock before failing. */
export const AGENT_DB_BUSY_TIMEOUT_MS = 5_000;

/** Options of `openAgentDb`; the defaults are what production wants. */
export interface AgentDbOptions {
  /** Stamps the migration records; defaults to `systemClock`. */
  readonly clock?: Clock;
}

/**
 * Opens (creating if needed) the agent's state database: WAL, synchronous=FULL, foreign keys,
 * busy timeout, migrations applied in order and recorded. Path ':memory:' allowed for tests.
 */
export function openAgentDb(path: string, options: AgentDbOptions = {}): Database {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) {
    // The database caches what modules need to act offline (credentials among them): keep the
    // folder and file private. SQLite gives its -wal and -shm files the database file's mode.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
  }

  const db = new DatabaseConstructor(path, { timeout: AGENT_DB_BUSY_TIMEOUT_MS });
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (!inMemory && mode !== 'wal') {
      // WAL needs shared memory, which some network file systems lack; rollback journal mode
      // would silently change the durability and concurrency this agent was designed for.
      throw new ConfigError(`agent database ${path}`, [
        `could not enable WAL journal mode (got "${String(mode)}"); use a local file system`,
      ]);
    }
    // FULL: in WAL mode, every commit waits for the WAL fsync, so a record the outbox accepted
    // survives a power cut. NORMAL would only keep the database consistent, not the last commits.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${AGENT_DB_BUSY_TIMEOUT_MS}`);
    // After a checkpoint the WAL file is otherwise left at its high-water mark on the SD card.
    db.pragma('journal_size_limit = 16777216');
    applyMigrations(
      db,
      AGENT_DB_MIGRATIONS,
      options.clock ?? systemClock,
      `agent database ${path}`,
    );
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
