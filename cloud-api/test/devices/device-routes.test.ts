import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttAccountStore } from '../../src/accounts/mqtt-account-store.js';
import { deviceStatusStore } from '../../src/devices/device-status-store.js';
import { verifySecret } from '@hameau/protocol/secret-hash';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

interface ErrorJson {
  error: {
    code: string;
    message: string;
    details?: { issues: { path: string; message: string }[] };
  };
}

describe('/api/v1/devices', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (payload: unknown, role: 'admin' | 'technician' = 'admin') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: t.as(role),
      payload: payload as object,
    });

  it('creates a device and returns its MQTT password once', async () => {
    const res = await create({ site: 'station', device: 'lockers-2', kind: 'locker' });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ mqtt: { username: string; password: string } }>();
    expect(body).toEqual({
      site: 'station',
      device: 'lockers-2',
      kind: 'locker',
      createdAt: '2026-11-25T12:00:00.000Z',
      mqtt: { username: 'station/lockers-2', password: expect.any(String) as string },
    });
    const account = await mqttAccountStore.find(t.database.db, 'station/lockers-2');
    expect(account?.hash).toMatch(/^\$scrypt\$/);
    expect(await verifySecret(body.mqtt.password, account?.hash ?? '')).toBe(true);

    const get = await t.app.inject({
      method: 'GET',
      url: '/api/v1/devices/station/lockers-2',
      headers: t.as('admin'),
    });
    expect(get.body).not.toContain(body.mqtt.password);
    expect(get.body).not.toContain('password');
  });

  it('answers 400 naming each invalid field', async () => {
    const res = await create({ site: 'Station!', device: 'ok', kind: 'toaster' });
    expect(res.statusCode).toBe(400);
    const { error } = res.json<ErrorJson>();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^body\.site: /);
    expect(error.details?.issues.map((i) => i.path)).toEqual(['body.site', 'body.kind']);
  });

  it('answers 400 for a missing body and names an unknown field', async () => {
    const empty = await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: t.as('admin'),
    });
    expect(empty.statusCode).toBe(400);
    const extra = await create({ site: 'a', device: 'b', kind: 'locker', password: 'mine' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json<ErrorJson>().error.details?.issues[0]?.message).toContain('password');
  });

  it('answers 409 for a device that exists', async () => {
    await create({ site: 'market', device: 'meters-1', kind: 'meters' });
    const res = await create({ site: 'market', device: 'meters-1', kind: 'lighting' });
    expect(res.statusCode).toBe(409);
    expect(res.json<ErrorJson>().error.code).toBe('DEVICE_EXISTS');
  });

  it('lets technicians list devices with their status, but not create them', async () => {
    await deviceStatusStore.upsert(
      t.database.db,
      { site: 'market', device: 'meters-1' },
      {
        online: true,
        session: 3,
        lastSeen: t.clock.now(),
        lastBirth: t.clock.now(),
        outboxDepth: 12,
        outboxOldestAgeMs: 30_000,
        configVersion: null,
        agentVersion: '0.1.0',
        updatedAt: t.clock.now(),
      },
    );
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/devices',
      headers: t.as('technician'),
    });
    expect(res.statusCode).toBe(200);
    const { devices } = res.json<{
      devices: { site: string; device: string; status: unknown }[];
    }>();
    expect(devices.map((d) => `${d.site}/${d.device}`)).toEqual([
      'market/meters-1',
      'station/lockers-2',
    ]);
    expect(devices[0]?.status).toEqual({
      online: true,
      session: 3,
      lastSeenAt: '2026-11-25T12:00:00.000Z',
      lastBirthAt: '2026-11-25T12:00:00.000Z',
      outboxDepth: 12,
      outboxOldestAgeMs: 30_000,
      configVersion: null,
      agentVersion: '0.1.0',
      updatedAt: '2026-11-25T12:00:00.000Z',
    });
    expect(devices[1]?.status).toBeNull();
    expect(
      (await create({ site: 'x', device: 'y', kind: 'locker' }, 'technician')).statusCode,
    ).toBe(403);
  });

  it('filters by site and validates the filter', async () => {
    const one = await t.app.inject({
      method: 'GET',
      url: '/api/v1/devices?site=market',
      headers: t.as('admin'),
    });
    expect(one.json<{ devices: unknown[] }>().devices).toHaveLength(1);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/devices?site=NO%20WAY',
      headers: t.as('admin'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>().error.details?.issues[0]?.path).toBe('querystring.site');
  });

  it('answers 404 for an unknown device and 400 for a malformed id', async () => {
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/devices/market/nope',
      headers: t.as('technician'),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorJson>().error.code).toBe('DEVICE_NOT_FOUND');
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/devices/market/NOPE',
      headers: t.as('technician'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>().error.details?.issues[0]?.path).toBe('params.device');
  });

  it('deletes a device and its account, for admins only', async () => {
    const url = '/api/v1/devices/market/meters-1';
    expect(
      (await t.app.inject({ method: 'DELETE', url, headers: t.as('technician') })).statusCode,
    ).toBe(403);
    const res = await t.app.inject({ method: 'DELETE', url, headers: t.as('admin') });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await mqttAccountStore.find(t.database.db, 'market/meters-1')).toBeUndefined();
    expect((await t.app.inject({ method: 'DELETE', url, headers: t.as('admin') })).statusCode).toBe(
      404,
    );
  });

  it('audits each change with the acting token name', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: t.as('admin') });
    const entries = res
      .json<{ entries: { actor: string; action: string; subject: string }[] }>()
      .entries.filter((e) => e.action.startsWith('device.'));
    expect(entries.map((e) => [e.actor, e.action, e.subject])).toEqual([
      ['admin', 'device.delete', 'market/meters-1'],
      ['admin', 'device.create', 'market/meters-1'],
      ['admin', 'device.create', 'station/lockers-2'],
    ]);
  });
});
