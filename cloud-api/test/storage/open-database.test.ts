import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, HameauError } from '@hameau/protocol';
import { openDatabase } from '../../src/storage/open-database.js';

describe('openDatabase', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the SQLite file and its folder, in WAL mode with foreign keys on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hameau-open-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'hameau.sqlite');
    const handle = await openDatabase({ dialect: 'sqlite', file });
    try {
      expect(handle.dialect).toBe('sqlite');
      expect(existsSync(file)).toBe(true);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(handle.db);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(handle.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it('lists every problem of a bad config at once', async () => {
    const err: unknown = await openDatabase({
      dialect: 'postgres',
      url: 'mysql://x',
      maxConnections: 0,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain('url');
    expect(problems).toContain('maxConnections');
  });

  it('fails at open on an unreachable PostgreSQL, without printing the password', async () => {
    // Port 1 on loopback refuses at once: nothing listens there.
    const err: unknown = await openDatabase({
      dialect: 'postgres',
      url: 'postgres://hameau:s3cret-pw@127.0.0.1:1/hameau',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HameauError);
    expect((err as HameauError).code).toBe('DATABASE_UNAVAILABLE');
    expect((err as HameauError).message).toContain('127.0.0.1:1/hameau');
    expect((err as HameauError).message).toContain('DATABASE_URL');
    expect(
      JSON.stringify({ m: (err as Error).message, d: (err as HameauError).details }),
    ).not.toContain('s3cret-pw');
  });
});
