import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainPlugin } from '../../src/app.js';
import { requireRole } from '../../src/auth/require-role.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** A route per rule, and one that echoes the caller, to test the guard on its own. */
const probe: DomainPlugin = {
  name: 'probe',
  prefix: '/probe',
  plugin: (app) => {
    app.get('/admin', { onRequest: requireRole('admin') }, () => ({ ok: true }));
    app.get('/staff', { onRequest: requireRole('technician', 'admin') }, () => ({ ok: true }));
    app.get('/public', (request) => ({ caller: request.caller }));
    return Promise.resolve();
  },
};

describe('requireRole and authentication', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      options: {
        plugins: [probe],
        // Another way in, as resident sign-in will be: a header this test makes up.
        auth: {
          authenticators: [
            (request) =>
              Promise.resolve(
                request.headers['x-test-resident'] === 'yes'
                  ? { role: 'resident' as const, name: 'resident-7', tokenId: null }
                  : null,
              ),
          ],
        },
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });

  it('answers 401 AUTH_REQUIRED without credentials, with a Bearer challenge', async () => {
    const res = await get('/probe/admin');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: { code: 'AUTH_REQUIRED', message: expect.any(String) as string },
    });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 403 FORBIDDEN for a valid token of a role not listed', async () => {
    const res = await get('/probe/admin', t.as('technician'));
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
  });

  it('lets in exactly the listed roles', async () => {
    const status = async (url: string, role: 'admin' | 'technician' | 'merchant' | 'resident') =>
      (await get(url, t.as(role))).statusCode;
    expect(await status('/probe/admin', 'admin')).toBe(200);
    expect(await status('/probe/staff', 'admin')).toBe(200);
    expect(await status('/probe/staff', 'technician')).toBe(200);
    expect(await status('/probe/staff', 'merchant')).toBe(403);
    expect(await status('/probe/staff', 'resident')).toBe(403);
  });

  it('answers 401 TOKEN_INVALID for a wrong token, even on a public route', async () => {
    for (const authorization of ['Bearer hmt_nope', 'Bearer', `bearer ${'x'.repeat(47)}`]) {
      const res = await get('/probe/public', { authorization });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('TOKEN_INVALID');
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
  });

  it('treats a request without credentials as public on a public route', async () => {
    const res = await get('/probe/public');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ caller: { role: 'public', name: 'public', tokenId: null } });
  });

  it('refuses a revoked token', async () => {
    const created = await t.app.hameau.tokens.create({ name: 'leaver', role: 'admin' }, 'test');
    const headers = { authorization: `Bearer ${created.token}` };
    expect((await get('/probe/admin', headers)).statusCode).toBe(200);
    await t.app.hameau.tokens.revoke(created.id, 'test');
    expect((await get('/probe/admin', headers)).statusCode).toBe(401);
  });

  it('checks credentials before validating the body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      payload: { site: 'NOT VALID' },
    });
    expect(res.statusCode).toBe(401);
  });

  it('accepts callers from an extra authenticator', async () => {
    const res = await get('/probe/public', { 'x-test-resident': 'yes' });
    expect(res.json()).toEqual({ caller: { role: 'resident', name: 'resident-7', tokenId: null } });
    expect((await get('/probe/staff', { 'x-test-resident': 'yes' })).statusCode).toBe(403);
  });
});
