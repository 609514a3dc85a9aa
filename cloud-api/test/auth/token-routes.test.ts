import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

interface TokenBody {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  revokedAt: string | null;
  token?: string;
}

describe('/api/v1/tokens', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a token that works at once, shown in that response only', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: t.as('admin'),
      payload: { name: 'field tech 2', role: 'technician' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json<TokenBody>();
    expect(body).toMatchObject({
      name: 'field tech 2',
      role: 'technician',
      createdAt: '2026-11-25T12:00:00.000Z',
      revokedAt: null,
    });
    const token = body.token ?? '';
    expect(token).toMatch(/^hmt_/);

    const devices = await t.app.inject({
      method: 'GET',
      url: '/api/v1/devices',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(devices.statusCode).toBe(200);

    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tokens',
      headers: t.as('admin'),
    });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(token);
    const listed = list.json<{ tokens: TokenBody[] }>().tokens;
    expect(listed.map((x) => x.name)).toContain('field tech 2');
    expect(listed.every((x) => !('token' in x) && !('hash' in x))).toBe(true);
  });

  it('names the invalid field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: t.as('admin'),
      payload: { name: 'x', role: 'public' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{ error: { code: string; details: { issues: { path: string }[] } } }>();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.issues.map((i) => i.path)).toEqual(['body.role']);
  });

  it('answers 409 for a name already in use', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: t.as('admin'),
      payload: { name: 'technician', role: 'technician' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('TOKEN_EXISTS');
  });

  it('revokes a token, then answers 404 for it', async () => {
    const created = await t.app.hameau.tokens.create({ name: 'temp', role: 'merchant' }, 'test');
    const del = () =>
      t.app.inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${created.id}`,
        headers: t.as('admin'),
      });
    expect((await del()).statusCode).toBe(204);
    const again = await del();
    expect(again.statusCode).toBe(404);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('TOKEN_NOT_FOUND');
    const use = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(use.statusCode).toBe(401);
  });

  it('is for admins only', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/tokens'],
      ['POST', '/api/v1/tokens'],
      ['DELETE', '/api/v1/tokens/tok_x'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: t.as('technician'), payload: {} });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('audits every change with the acting token name', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit?limit=500',
      headers: t.as('admin'),
    });
    const entries = res.json<{ entries: { actor: string; action: string; details: object }[] }>()
      .entries;
    const byAdmin = entries.filter((e) => e.actor === 'admin').map((e) => e.action);
    expect(byAdmin).toContain('token.create');
    expect(byAdmin).toContain('token.revoke');
    expect(res.body).not.toMatch(/hmt_/);
  });
});
