import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '@hameau/protocol/secret-hash';
import { listAudit } from '../../src/audit/audit-store.js';
import { UserService } from '../../src/users/user-service.js';
import { createTestApp, silent, type TestApp } from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-database.js';

interface UserBody {
  name: string;
  role: string;
  disabled: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}
interface ErrorReply {
  error: { code: string; message: string };
}

describe.each(DIALECTS)('/api/v1/users on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (url: string, payload?: object, role: 'admin' | 'technician' = 'admin') =>
    payload === undefined
      ? t.app.inject({ method: 'POST', url, headers: t.as(role) })
      : t.app.inject({ method: 'POST', url, headers: t.as(role), payload });

  it('creates a user with a generated password shown once, stored as an scrypt hash', async () => {
    const res = await post('/api/v1/users', { name: 'alice', role: 'technician' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json<{ user: UserBody; password: string }>();
    expect(body.user).toEqual({
      name: 'alice',
      role: 'technician',
      disabled: false,
      createdAt: '2026-11-25T12:00:00.000Z',
      createdBy: 'admin',
      updatedAt: '2026-11-25T12:00:00.000Z',
    });
    const row = await t.database.db
      .selectFrom('users')
      .select('hash')
      .where('name', '=', 'alice')
      .executeTakeFirstOrThrow();
    expect(row.hash).toMatch(/^\$scrypt\$/);
    expect(row.hash).not.toContain(body.password);
    expect(await verifySecret(body.password, row.hash)).toBe(true);

    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: t.as('admin'),
    });
    expect(list.json<{ users: UserBody[] }>().users).toEqual([body.user]);
    expect(list.body).not.toContain(body.password);
    expect(list.body).not.toContain('scrypt');
  });

  it('refuses a second user with the same name, or the name of an API token', async () => {
    const again = await post('/api/v1/users', { name: 'alice', role: 'admin' });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorReply>().error.code).toBe('CREDENTIAL_EXISTS');
    // createTestApp made an API token named `merchant`.
    const token = await post('/api/v1/users', { name: 'merchant', role: 'technician' });
    expect(token.statusCode).toBe(409);
    // And the other way round: no API token may take a user's name.
    const named = await post('/api/v1/tokens', { name: 'alice', role: 'technician' });
    expect(named.statusCode).toBe(409);
    expect(named.json<ErrorReply>().error.code).toBe('TOKEN_EXISTS');
  });

  it('names every invalid field', async () => {
    const res = await post('/api/v1/users', { name: 'Alice Smith', role: 'merchant' });
    expect(res.statusCode).toBe(400);
    const issues = res
      .json<{ error: { details: { issues: { path: string }[] } } }>()
      .error.details.issues.map((i) => i.path);
    expect(issues).toEqual(['body.name', 'body.role']);
    const reserved = await post('/api/v1/users', { name: 'system', role: 'admin' });
    expect(reserved.statusCode).toBe(400);
  });

  it('is for admins only', async () => {
    expect(
      (await post('/api/v1/users', { name: 'zoe', role: 'technician' }, 'technician')).statusCode,
    ).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/users' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('resets a password: the new one works, the old one no longer does', async () => {
    const users = new UserService({ db: t.database.db, clock: t.clock, log: silent });
    const { password: old } = await users.create({ name: 'bob', role: 'technician' }, 'demo-town');
    await t.clock.advance(1000);
    const res = await post('/api/v1/users/bob/reset-password');
    expect(res.statusCode).toBe(200);
    const { user, password } = res.json<{ user: UserBody; password: string }>();
    expect(password).not.toBe(old);
    expect(user.updatedAt).toBe(new Date(t.clock.now()).toISOString());
    expect(user.createdBy).toBe('demo-town');
    const login = (pw: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: 'bob', password: pw },
      });
    expect((await login(old)).statusCode).toBe(401);
    expect((await login(password)).statusCode).toBe(201);
  });

  it('answers 404 for a user that does not exist', async () => {
    for (const action of ['disable', 'enable', 'reset-password']) {
      const res = await post(`/api/v1/users/nobody/${action}`);
      expect(res.statusCode).toBe(404);
      expect(res.json<ErrorReply>().error.code).toBe('USER_NOT_FOUND');
    }
  });

  it('audits creation, disabling, enabling and resets, never a password', async () => {
    await post('/api/v1/users', { name: 'carol', role: 'admin' });
    await post('/api/v1/users/carol/disable');
    await post('/api/v1/users/carol/enable');
    const reset = (await post('/api/v1/users/carol/reset-password')).json<{ password: string }>();
    const entries = (await listAudit(t.database.db, { limit: 100 }))
      .filter((e) => e.subject === 'user/carol')
      .reverse();
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['admin', 'user.create'],
      ['admin', 'user.disable'],
      ['admin', 'user.enable'],
      ['admin', 'user.reset-password'],
    ]);
    expect(JSON.stringify(entries)).not.toContain(reset.password);
  });
});
