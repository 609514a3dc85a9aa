import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { ensureAdminToken } from '../../src/auth/bootstrap-admin-token.js';
import { TokenService } from '../../src/auth/token-service.js';
import { capturedLog } from '../helpers/captured-log.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

describe('ensureAdminToken', () => {
  let t: TestDatabase;
  let dir: string;
  let tokens: TokenService;

  beforeEach(async () => {
    t = await createTestDatabase('sqlite');
    dir = mkdtempSync(join(tmpdir(), 'hameau-bootstrap-'));
    tokens = new TokenService({ db: t.db, clock: new ManualClock() });
  });
  afterEach(async () => {
    await t.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a working admin token, readable by its owner only, and logs only the path', async () => {
    const file = join(dir, 'sub', 'admin-token');
    const captured = capturedLog();
    expect(await ensureAdminToken({ tokens, file, log: captured.log })).toBe(true);
    const token = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await tokens.authenticate(token)).toMatchObject({
      role: 'admin',
      name: 'bootstrap-admin',
    });
    expect(captured.text()).toContain(file);
    expect(captured.text()).not.toContain(token);
  });

  it('does nothing while an admin token exists', async () => {
    const file = join(dir, 'admin-token');
    const { log } = capturedLog();
    await tokens.create({ name: 'anna', role: 'admin' }, 'test');
    expect(await ensureAdminToken({ tokens, file, log })).toBe(false);
    expect(() => statSync(file)).toThrow();
  });

  it('issues a new one after every admin token was revoked', async () => {
    const file = join(dir, 'admin-token');
    const { log } = capturedLog();
    await ensureAdminToken({ tokens, file, log });
    const first = readFileSync(file, 'utf8').trim();
    const caller = await tokens.authenticate(first);
    await tokens.revoke(caller?.tokenId ?? '', 'test');
    expect(await ensureAdminToken({ tokens, file, log })).toBe(true);
    const second = readFileSync(file, 'utf8').trim();
    expect(second).not.toBe(first);
    expect(await tokens.authenticate(second)).toMatchObject({ role: 'admin' });
  });
});
