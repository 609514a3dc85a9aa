import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConfigError, ManualClock } from '@hameau/protocol';
import { AGENT_DB_MIGRATIONS, type Migration } from '../../src/store/agent-db-migrations.js';
import { openAgentDb } from '../../src/store/agent-db.js';
import { applyMigrations } from '../../src/store/apply-migrations.js';
import { useTempDirs } from './temp-dir.js';

const tempDir = useTempDirs('hameau-agentdb-');
const clock = new ManualClock(Date.UTC(2026, 10, 25));

describe('openAgentDb', () => {
  it('creates a private file in WAL mode with fsync on commit, foreign keys and a busy timeout', () => {
    const path = join(tempDir(), 'nested', 'agent.db');
    const db = openAgentDb(path, { clock });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5_000);
      expect(statSync(path).mode & 0o077).toBe(0);
    } finally {
      db.close();
    }
  });

  it('applies every migration once, in order, and records it', () => {
    const path = join(tempDir(), 'agent.db');
    openAgentDb(path, { clock }).close();
    const db = openAgentDb(path, { clock: new ManualClock(Date.UTC(2027, 0, 1)) });
    try {
      const rows = db.prepare('SELECT version, name, applied_at FROM schema_migration').all();
      expect(rows).toEqual(
        AGENT_DB_MIGRATIONS.map((m) => ({
          version: m.version,
          name: m.name,
          applied_at: clock.now(),
        })),
      );
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(
        expect.arrayContaining(['agent_state', 'executed_command', 'outbox', 'outbox_counter']),
      );
    } finally {
      db.close();
    }
  });

  it('refuses a database a newer agent has migrated', () => {
    const path = join(tempDir(), 'agent.db');
    const db = openAgentDb(path, { clock });
    db.prepare("INSERT INTO schema_migration VALUES (999, 'from-the-future', 0)").run();
    db.close();
    expect(() => openAgentDb(path, { clock })).toThrow(ConfigError);
    expect(() => openAgentDb(path, { clock })).toThrow(/999/);
  });

  it('works in memory for tests', () => {
    const db = openAgentDb(':memory:');
    try {
      expect(db.prepare('SELECT COUNT(*) FROM schema_migration').pluck().get()).toBe(
        AGENT_DB_MIGRATIONS.length,
      );
    } finally {
      db.close();
    }
    expect(existsSync(':memory:')).toBe(false);
  });
});

describe('applyMigrations', () => {
  it('rolls a failing step back entirely and keeps the steps before it', () => {
    const db = new DatabaseConstructor(':memory:');
    try {
      const steps: Migration[] = [
        { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' },
        { version: 2, name: 'two', sql: 'CREATE TABLE b (x INTEGER); SELECT * FROM missing;' },
      ];
      expect(() => applyMigrations(db, steps, clock, 'test db')).toThrow(/missing/);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck();
      expect(tables.all()).not.toContain('b');
      expect(tables.all()).toContain('a');
      expect(db.prepare('SELECT version FROM schema_migration').pluck().all()).toEqual([1]);
      // Fixed in a later release: the next start applies only what is missing.
      const fixed = [
        steps[0] as Migration,
        { ...(steps[1] as Migration), sql: 'CREATE TABLE b (x)' },
      ];
      expect(applyMigrations(db, fixed, clock, 'test db')).toEqual([2]);
      expect(applyMigrations(db, fixed, clock, 'test db')).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('refuses an out-of-order list, naming every bad step', () => {
    const db = new DatabaseConstructor(':memory:');
    try {
      const steps: Migration[] = [
        { version: 2, name: 'two', sql: '' },
        { version: 1, name: 'one', sql: '' },
        { version: 0, name: 'zero', sql: '' },
      ];
      expect(() => applyMigrations(db, steps, clock, 'test db')).toThrow(
        expect.objectContaining({
          problems: [
            'migration "one": version 1 is not after 2',
            'migration "zero": version must be a positive integer',
            'migration "zero": version 0 is not after 1',
          ],
        }),
      );
    } finally {
      db.close();
    }
  });
});
