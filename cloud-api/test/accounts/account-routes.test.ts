import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttAccountStore } from '../../src/accounts/mqtt-account-store.js';
import { verifySecret } from '@hameau/protocol/secret-hash';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('/api/v1/mqtt-accounts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/mqtt-accounts', headers: t.as('admin'), payload });

  it('creates a service account with a password shown once and stored as a scrypt hash', async () => {
    const res = await create({ role: 'cloud', name: 'cloud' });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ username: string; role: string; password: string }>();
    expect(body).toMatchObject({ username: 'cloud', role: 'cloud' });
    const found = await mqttAccountStore.find(t.database.db, 'cloud');
    expect(found?.principal).toEqual({ role: 'cloud', name: 'cloud' });
    expect(await verifySecret(body.password, found?.hash ?? '')).toBe(true);
  });

  it('refuses an existing name and a device-shaped one', async () => {
    const again = await create({ role: 'observer', name: 'cloud' });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('CREDENTIAL_EXISTS');
    const slash = await create({ role: 'observer', name: 'site/device' });
    expect(slash.statusCode).toBe(400);
    const device = await create({ role: 'device', name: 'x' });
    expect(
      device.json<{ error: { details: { issues: { path: string }[] } } }>().error.details.issues[0]
        ?.path,
    ).toBe('body.role');
  });

  it('lists accounts of devices and services without their hashes', async () => {
    await t.app.hameau.devices.create({ site: 'park', device: 'lamps', kind: 'lighting' }, 'test');
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/mqtt-accounts',
      headers: t.as('admin'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('$scrypt$');
    expect(res.json<{ accounts: { username: string; site: string | null }[] }>().accounts).toEqual([
      expect.objectContaining({
        username: 'cloud',
        role: 'cloud',
        site: null,
        device: null,
        kind: null,
      }),
      expect.objectContaining({
        username: 'park/lamps',
        role: 'device',
        site: 'park',
        device: 'lamps',
        kind: 'lighting',
      }),
    ]);
  });

  it('deletes a service account, audited', async () => {
    const del = () =>
      t.app.inject({
        method: 'DELETE',
        url: '/api/v1/mqtt-accounts/cloud',
        headers: t.as('admin'),
      });
    expect((await del()).statusCode).toBe(204);
    expect(await mqttAccountStore.find(t.database.db, 'cloud')).toBeUndefined();
    const again = await del();
    expect(again.statusCode).toBe(404);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('ACCOUNT_NOT_FOUND');
    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: t.as('admin'),
    });
    const actions = audit
      .json<{ entries: { actor: string; action: string }[] }>()
      .entries.filter((e) => e.actor === 'admin')
      .map((e) => e.action);
    expect(actions).toEqual(['account.delete', 'account.create']);
  });

  it('is for admins only', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/mqtt-accounts',
      headers: t.as('technician'),
    });
    expect(res.statusCode).toBe(403);
  });
});
