import { beforeAll, describe, expect, it } from 'vitest';
import { HameauError, ManualClock } from '@hameau/protocol';
import { hashApiToken } from '../../src/auth/api-token.js';
import { TokenService } from '../../src/auth/token-service.js';
import { listAudit } from '../../src/audit/audit-store.js';
import { DIALECTS, useTestDatabase, type TestDatabase } from '../helpers/test-database.js';

describe.each(DIALECTS)('TokenService on %s', (dialect) => {
  const database = useTestDatabase(dialect);
  let t: TestDatabase;
  let clock: ManualClock;
  let tokens: TokenService;

  beforeAll(() => {
    t = database();
    clock = new ManualClock(Date.UTC(2026, 10, 25));
    tokens = new TokenService({ db: t.db, clock });
  });

  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (e instanceof HameauError ? e.code : String(e)),
    );

  it('returns the token once and stores only its sha256', async () => {
    const created = await tokens.create({ name: 'ops desk', role: 'technician' }, 'root');
    expect(created).toMatchObject({ name: 'ops desk', role: 'technician', revokedAt: null });
    expect(created.createdAt).toBe(clock.now());
    const rows = await t.db.selectFrom('api_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.hash).toBe(hashApiToken(created.token));
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(JSON.stringify(await tokens.list())).not.toContain(created.token);
  });

  it('authenticates a token as its name and role', async () => {
    const created = await tokens.create({ name: 'anna', role: 'admin' }, 'root');
    expect(await tokens.authenticate(created.token)).toEqual({
      role: 'admin',
      name: 'anna',
      tokenId: created.id,
    });
    // Change the last character to a different one (a fixed 'A' would be no change 1 time in 64).
    const last = created.token.at(-1) === 'A' ? 'B' : 'A';
    expect(await tokens.authenticate(`${created.token.slice(0, -1)}${last}`)).toBeNull();
    expect(await tokens.authenticate('not a token')).toBeNull();
  });

  it('refuses a second active token with the same name, but not after revocation', async () => {
    const first = await tokens.create({ name: 'kiosk', role: 'merchant' }, 'root');
    expect(await codeOf(tokens.create({ name: 'kiosk', role: 'merchant' }, 'root'))).toBe(
      'TOKEN_EXISTS',
    );
    await clock.advance(1_000);
    const revoked = await tokens.revoke(first.id, 'root');
    expect(revoked.revokedAt).toBe(clock.now());
    expect(await tokens.authenticate(first.token)).toBeNull();
    const second = await tokens.create({ name: 'kiosk', role: 'merchant' }, 'root');
    expect(await tokens.authenticate(second.token)).toMatchObject({ name: 'kiosk' });
  });

  it('reports an unknown or already revoked token', async () => {
    expect(await codeOf(tokens.revoke('tok_nope', 'root'))).toBe('TOKEN_NOT_FOUND');
    const created = await tokens.create({ name: 'temp', role: 'resident' }, 'root');
    await tokens.revoke(created.id, 'root');
    expect(await codeOf(tokens.revoke(created.id, 'root'))).toBe('TOKEN_NOT_FOUND');
  });

  it('validates names and roles, listing every problem', async () => {
    const err: unknown = await tokens
      .create({ name: ' bad', role: 'public' as 'admin' }, 'root')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HameauError);
    const issues = (err as HameauError).details.issues as { path: string }[];
    expect(issues.map((i) => i.path).sort()).toEqual(['input.name', 'input.role']);
    expect(await codeOf(tokens.create({ name: 'system', role: 'admin' }, 'root'))).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('knows whether an active admin token exists', async () => {
    expect(await tokens.hasActiveAdmin()).toBe(true);
    for (const token of await tokens.list()) {
      if (token.role === 'admin' && token.revokedAt === null) await tokens.revoke(token.id, 'root');
    }
    expect(await tokens.hasActiveAdmin()).toBe(false);
  });

  it('audits creations and revocations with the acting name, never the secret', async () => {
    const entries = await listAudit(t.db, { limit: 100 });
    expect(entries.map((e) => e.action)).toContain('token.revoke');
    expect(entries.filter((e) => e.action === 'token.create').length).toBeGreaterThanOrEqual(5);
    expect(entries.every((e) => e.actor === 'root')).toBe(true);
    const created = entries.find((e) => e.details.name === 'anna');
    expect(created?.details).toEqual({ name: 'anna', role: 'admin' });
    expect(JSON.stringify(entries)).not.toMatch(/hmt_/);
  });
});
