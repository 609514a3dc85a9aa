import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/audit-store.js';
import { MAX_CONFIG_BYTES } from '../../src/device-config/device-config-service.js';
import { DIALECTS } from '../helpers/test-database.js';
import {
  LOCKERS,
  METERS,
  createConfigTestApp,
  type ConfigTestApp,
  type ErrorJson,
} from './device-config-test-app.js';

const LIGHTING = { modules: { lighting: { zones: [{ id: 'z1', on: 'sunset' }] } } };

describe.each(DIALECTS)('/api/v1 device config routes (%s)', (dialect) => {
  let c: ConfigTestApp;

  beforeAll(async () => {
    c = await createConfigTestApp(dialect);
  });
  afterAll(async () => {
    await c.close();
  });

  const errorOf = (body: unknown) => (body as ErrorJson).error;

  it('answers no desired configuration for a device that never had one, in sync', async () => {
    expect(await c.get(METERS)).toEqual({ desired: null, reported: null, inSync: true });
    const history = await c.versions('', METERS);
    expect(history).toEqual({ status: 200, body: { versions: [], next: null } });
  });

  it('creates version 1, then each change the next version, keeping the history', async () => {
    const first = await c.put({ config: LIGHTING });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      desired: {
        version: 1,
        config: LIGHTING,
        issuedAt: '2026-11-25T12:00:00.000Z',
        issuedBy: 'technician',
        publishedAt: null,
      },
      reported: null,
      inSync: false,
    });
    await c.t.clock.advance(60_000);
    const second = await c.put({ config: { modules: {} } }, { role: 'admin' });
    expect(second.body.desired).toMatchObject({
      version: 2,
      config: { modules: {} },
      issuedAt: '2026-11-25T12:01:00.000Z',
      issuedBy: 'admin',
    });
    await c.put({ config: { modules: { locker: { maintenance: true } } } });
    expect((await c.get()).desired?.version).toBe(3);

    const all = await c.versions();
    expect(all.body.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(all.body.versions[2]?.config).toEqual(LIGHTING);
    expect(all.body.next).toBeNull();
    const page = await c.versions('?limit=2');
    expect(page.body.versions.map((v) => v.version)).toEqual([3, 2]);
    expect(page.body.next).toBe(2);
    const rest = await c.versions(`?limit=2&before=${page.body.next ?? 0}`);
    expect(rest.body.versions.map((v) => v.version)).toEqual([1]);
    expect(rest.body.next).toBeNull();
    // The other device's versions are its own.
    expect((await c.get(METERS)).desired).toBeNull();
  });

  it('refuses a change based on a version that is no longer the latest with 409', async () => {
    const latest = (await c.get()).desired?.version ?? 0;
    const based = await c.put({ config: { modules: {} }, baseVersion: latest });
    expect(based.status).toBe(200);
    expect(based.body.desired?.version).toBe(latest + 1);

    const stale = await c.put({ config: { modules: { stale: true } }, baseVersion: latest });
    expect(stale.status).toBe(409);
    expect(errorOf(stale.body).code).toBe('CONFIG_VERSION_CONFLICT');
    expect(errorOf(stale.body).message).toContain(`version ${latest + 1}, not ${latest}`);
    expect((await c.get()).desired?.version).toBe(latest + 1);
    expect((await c.get()).desired?.config).toEqual({ modules: {} });

    // baseVersion 0: "create only if there is none yet".
    expect((await c.put({ config: {}, baseVersion: 0 }, { key: METERS })).status).toBe(200);
    const again = await c.put({ config: {}, baseVersion: 0 }, { key: METERS });
    expect(again.status).toBe(409);
    expect(errorOf(again.body).code).toBe('CONFIG_VERSION_CONFLICT');
  });

  it(`refuses a config larger than ${MAX_CONFIG_BYTES} bytes as JSON, naming the field`, async () => {
    const before = (await c.get()).desired?.version;
    // {"blob":"…"} is 11 bytes around the string.
    const atLimit = { blob: 'x'.repeat(MAX_CONFIG_BYTES - 11) };
    expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(MAX_CONFIG_BYTES);
    const ok = await c.put({ config: atLimit });
    expect(ok.status).toBe(200);

    const tooBig = await c.put({ config: { blob: 'x'.repeat(MAX_CONFIG_BYTES - 10) } });
    expect(tooBig.status).toBe(400);
    const error = errorOf(tooBig.body);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^body\.config: config must be at most 65536 bytes as JSON/);
    expect(error.message).toContain('65537');
    expect(error.details?.issues.map((i) => i.path)).toEqual(['body.config']);
    expect((await c.get()).desired?.version).toBe((before ?? 0) + 1);
  });

  it('answers 400 naming each invalid field', async () => {
    const res = await c.put({ config: [1, 2], baseVersion: -1, colour: 'red' });
    expect(res.status).toBe(400);
    const error = errorOf(res.body);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['body.config', 'body.baseVersion']) as string[],
    );
    expect(JSON.stringify(error)).toContain('colour');
    expect((await c.put({})).status).toBe(400);
    expect((await c.versions('?limit=0')).status).toBe(400);
    expect((await c.put({ config: {} }, { key: { site: 'Gare!', device: 'x' } })).status).toBe(400);
  });

  it('answers 404 DEVICE_NOT_FOUND for an unknown device on every route', async () => {
    const key = { site: 'gare', device: 'nope' };
    const answers = [
      await c.put({ config: {} }, { key }),
      await c.versions('', key),
      await c.resync({ key }),
      await c.app
        .inject({
          method: 'GET',
          url: '/api/v1/devices/gare/nope/config',
          headers: c.t.as('technician'),
        })
        .then((r) => ({ status: r.statusCode, body: r.json<unknown>() })),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(errorOf(res.body).code).toBe('DEVICE_NOT_FOUND');
    }
  });

  it('lets technicians and admins in only: 403 for residents and merchants, 401 anonymous', async () => {
    const routes = [
      ['PUT', ''],
      ['GET', ''],
      ['GET', '/versions'],
      ['POST', '/resync'],
    ] as const;
    for (const [method, rest] of routes) {
      const url = `/api/v1/devices/gare/lockers-1/config${rest}`;
      const body = method === 'PUT' ? { payload: { config: {} } } : {};
      for (const role of ['resident', 'merchant'] as const) {
        const res = await c.app.inject({ method, url, headers: c.t.as(role), ...body });
        expect(res.statusCode, `${method} ${url} as ${role}`).toBe(403);
        expect(res.json<ErrorJson>().error.code).toBe('FORBIDDEN');
      }
      const anonymous = await c.app.inject({ method, url, ...body });
      expect(anonymous.statusCode, `${method} ${url} anonymous`).toBe(401);
      expect(anonymous.json<ErrorJson>().error.code).toBe('AUTH_REQUIRED');
    }
  });

  it('audits each change with its version and size, never the configuration', async () => {
    const secret = 'gateway-password-4711';
    const res = await c.put({
      config: { modules: { metering: { gateway: { password: secret } } } },
    });
    const version = res.body.desired?.version;
    const [audit] = await listAudit(c.t.database.db, { limit: 1 });
    expect(audit).toMatchObject({
      actor: 'technician',
      action: 'device-config.set',
      subject: 'gare/lockers-1',
      details: { version, bytes: Buffer.byteLength(JSON.stringify(res.body.desired?.config)) },
    });
    expect(JSON.stringify(audit)).not.toContain(secret);

    await c.put({ config: {}, baseVersion: version }, { role: 'admin' });
    const [based] = await listAudit(c.t.database.db, { limit: 1 });
    expect(based).toMatchObject({
      actor: 'admin',
      details: { version: (version ?? 0) + 1, baseVersion: version },
    });
    // Refused changes leave no audit row.
    await c.put({ config: {}, baseVersion: version });
    const [last] = await listAudit(c.t.database.db, { limit: 1 });
    expect(last?.id).toBe(based?.id);
  });
});

describe.each(DIALECTS)('device config and device removal (%s)', (dialect) => {
  it('deletes the versions and the report with the device', async () => {
    const c = await createConfigTestApp(dialect);
    try {
      await c.put({ config: { a: 1 } });
      await c.put({ config: { a: 2 } });
      await c.put({ config: { b: 1 } }, { key: METERS });
      await c.dispatch([c.reported({ configVersion: 1 })]);
      const db = c.t.database.db;
      const count = async (table: 'device_configs' | 'device_config_reports') =>
        (
          await db
            .selectFrom(table)
            .select(['site_id', 'device_id'])
            .where('site_id', '=', LOCKERS.site)
            .where('device_id', '=', LOCKERS.device)
            .execute()
        ).length;
      expect(await count('device_configs')).toBe(2);
      expect(await count('device_config_reports')).toBe(1);

      const res = await c.app.inject({
        method: 'DELETE',
        url: '/api/v1/devices/gare/lockers-1',
        headers: c.t.as('admin'),
      });
      expect(res.statusCode).toBe(204);
      expect(await count('device_configs')).toBe(0);
      expect(await count('device_config_reports')).toBe(0);
      expect((await c.get(METERS)).desired?.config).toEqual({ b: 1 });

      // A device registered again under the same name starts from nothing.
      await c.app.hameau.devices.create({ ...LOCKERS, kind: 'locker' }, 'test');
      expect(await c.get()).toEqual({ desired: null, reported: null, inSync: true });
      expect((await c.put({ config: {} })).body.desired?.version).toBe(1);
    } finally {
      await c.close();
    }
  });
});
