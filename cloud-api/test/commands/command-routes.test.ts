import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/audit/audit-store.js';
import { DIALECTS } from '../helpers/test-database.js';
import {
  LOCKERS,
  METERS,
  createCommandsTestApp,
  type CommandJson,
  type CommandsTestApp,
  type ErrorJson,
} from './commands-test-app.js';

describe.each(DIALECTS)('/api/v1 commands routes (%s)', (dialect) => {
  let c: CommandsTestApp;

  beforeAll(async () => {
    c = await createCommandsTestApp(dialect);
  });
  afterAll(async () => {
    await c.close();
  });

  const request = (method: 'GET' | 'POST', url: string, role = 'technician' as const) =>
    c.app.inject({ method, url, headers: c.t.as(role) });

  it('creates a queued command with a generated id, audited without its args', async () => {
    const res = await c.create({ name: 'unlock', args: { box: 3, code: '739154' } });
    expect(res.status).toBe(201);
    const id = res.body.id;
    expect(id).toMatch(/^cmd-[A-Za-z0-9_-]{22}$/);
    expect(res.headers['location']).toBe(`/api/v1/commands/${id}`);
    expect(res.body).toEqual({
      id,
      site: 'gare',
      device: 'lockers-1',
      name: 'unlock',
      args: { box: 3, code: '739154' },
      issuedBy: 'technician',
      issuedAt: '2026-11-25T12:00:00.000Z',
      expiresAt: '2026-11-25T12:01:00.000Z',
      state: 'queued',
      stateAt: '2026-11-25T12:00:00.000Z',
      attempts: 0,
      sentAt: null,
      deliveredAt: null,
      finishedAt: null,
      result: null,
      lateResult: null,
    });
    expect(await c.get(id)).toEqual(res.body);
    const [audit] = await listAudit(c.t.database.db, { limit: 1 });
    expect(audit).toMatchObject({
      actor: 'technician',
      action: 'command.create',
      subject: id,
      details: { site: 'gare', device: 'lockers-1', name: 'unlock', ttlSeconds: 60 },
    });
    expect(JSON.stringify(audit)).not.toContain('739154');
  });

  it('answers 200 with the existing command for a retry with the same id and content', async () => {
    const body = { id: 'retry-0000000001', name: 'unlock', args: { box: 1, door: 'a' } };
    const first = await c.create(body);
    expect(first.status).toBe(201);
    // Same content, keys in another order.
    const again = await c.create({ ...body, args: { door: 'a', box: 1 }, ttlSeconds: 60 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const audits = await listAudit(c.t.database.db, { limit: 50 });
    expect(audits.filter((a) => a.subject === 'retry-0000000001')).toHaveLength(1);
  });

  it('answers 409 COMMAND_CONFLICT for the same id with different content', async () => {
    const body = { id: 'conflict-000001', name: 'unlock', args: { box: 1 } };
    expect((await c.create(body)).status).toBe(201);
    for (const [what, changed, key] of [
      ['args', { ...body, args: { box: 2 } }, LOCKERS],
      ['ttl', { ...body, ttlSeconds: 120 }, LOCKERS],
      ['name', { ...body, name: 'reboot' }, LOCKERS],
      ['device', body, METERS],
    ] as const) {
      const res = await c.create(changed, { key });
      expect(res.status, what).toBe(409);
      expect((res.body as unknown as ErrorJson).error.code).toBe('COMMAND_CONFLICT');
    }
    const other = await c.create(body, { role: 'admin' });
    expect(other.status, 'another issuer').toBe(409);
    expect((await c.get('conflict-000001')).args).toEqual({ box: 1 });
  });

  it('answers 400 naming each invalid field', async () => {
    const res = await c.create({ name: 'Unlock!', ttlSeconds: 0, id: 'short', colour: 'red' });
    expect(res.status).toBe(400);
    const { error } = res.body as unknown as ErrorJson;
    expect(error.code).toBe('VALIDATION_FAILED');
    const paths = error.details?.issues.map((i) => i.path) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(['body.name', 'body.ttlSeconds', 'body.id']) as string[],
    );
    expect(JSON.stringify(error)).toContain('colour');
    const tooLong = await c.create({ name: 'unlock', ttlSeconds: 7 * 86_400 + 1 });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as unknown as ErrorJson).error.message).toMatch(/^body\.ttlSeconds: /);
    const bigArgs = await c.create({ name: 'unlock', args: { blob: 'x'.repeat(17_000) } });
    expect((bigArgs.body as unknown as ErrorJson).error.message).toMatch(/^body\.args: /);
  });

  it('answers 404 for an unknown device or command', async () => {
    const res = await c.create({ name: 'unlock' }, { key: { site: 'gare', device: 'nope' } });
    expect(res.status).toBe(404);
    expect((res.body as unknown as ErrorJson).error.code).toBe('DEVICE_NOT_FOUND');
    const list = await request('GET', '/api/v1/devices/gare/nope/commands');
    expect(list.statusCode).toBe(404);
    for (const [method, url] of [
      ['GET', '/api/v1/commands/cmd-unknown-1'],
      ['POST', '/api/v1/commands/cmd-unknown-1/cancel'],
    ] as const) {
      const missing = await request(method, url);
      expect(missing.statusCode).toBe(404);
      expect(missing.json<ErrorJson>().error.code).toBe('COMMAND_NOT_FOUND');
    }
    expect((await request('GET', '/api/v1/commands/x')).statusCode).toBe(400);
  });

  it('lets technicians and admins in, and refuses residents and anonymous callers', async () => {
    const { body } = await c.create({ name: 'unlock' }, { role: 'admin' });
    expect(body.issuedBy).toBe('admin');
    const routes: { method: 'GET' | 'POST'; url: string; payload?: object }[] = [
      {
        method: 'POST',
        url: '/api/v1/devices/gare/lockers-1/commands',
        payload: { name: 'unlock' },
      },
      { method: 'GET', url: '/api/v1/devices/gare/lockers-1/commands' },
      { method: 'GET', url: `/api/v1/commands/${body.id}` },
      { method: 'POST', url: `/api/v1/commands/${body.id}/cancel` },
    ];
    for (const route of routes) {
      for (const role of ['resident', 'merchant'] as const) {
        const res = await c.app.inject({ ...route, headers: c.t.as(role) });
        expect(res.statusCode, `${role} ${route.method} ${route.url}`).toBe(403);
      }
      const anonymous = await c.app.inject(route);
      expect(anonymous.statusCode).toBe(401);
    }
    expect((await c.get(body.id)).state).toBe('queued');
  });

  it('lists a device’s commands newest first, by state and with a limit', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await c.t.clock.advance(1_000);
      ids.push((await c.create({ name: 'ping' }, { key: METERS })).body.id);
    }
    await request('POST', `/api/v1/commands/${ids[1] ?? ''}/cancel`);
    const list = async (query: string) => {
      const res = await request('GET', `/api/v1/devices/market/meters-1/commands${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ commands: CommandJson[] }>().commands.map((x) => x.id);
    };
    // The conflict test left one older command on this device.
    expect((await list('')).slice(0, 3)).toEqual([...ids].reverse());
    expect(await list('?limit=2')).toEqual([ids[2], ids[1]]);
    expect(await list('?state=cancelled')).toEqual([ids[1]]);
    expect(await list('?state=queued&limit=1')).toEqual([ids[2]]);
    const bad = await request('GET', '/api/v1/devices/market/meters-1/commands?state=lost');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>().error.details?.issues[0]?.path).toBe('querystring.state');
  });

  it('cancels a command not yet delivered, once, and refuses a delivered or finished one', async () => {
    const { body } = await c.create({ name: 'unlock' });
    const cancel = (id: string) => request('POST', `/api/v1/commands/${id}/cancel`);
    await c.t.clock.advance(500);
    const res = await cancel(body.id);
    expect(res.statusCode).toBe(200);
    expect(res.json<CommandJson>()).toMatchObject({
      state: 'cancelled',
      stateAt: '2026-11-25T12:00:03.500Z',
      finishedAt: '2026-11-25T12:00:03.500Z',
    });
    // A retry of the cancel is harmless and audited once.
    expect((await cancel(body.id)).statusCode).toBe(200);
    const audits = await listAudit(c.t.database.db, { limit: 50 });
    expect(audits.filter((a) => a.action === 'command.cancel' && a.subject === body.id)).toEqual([
      expect.objectContaining({
        actor: 'technician',
        details: expect.objectContaining({ name: 'unlock' }) as unknown,
      }),
    ]);

    const delivered = (await c.create({ name: 'unlock' })).body;
    await c.dispatch([c.result(delivered.id, { status: 'accepted' })]);
    const refused = await cancel(delivered.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json<ErrorJson>().error).toMatchObject({
      code: 'COMMAND_FINISHED',
      message: expect.stringContaining('accepted by the device') as unknown,
    });
    await c.dispatch([c.result(delivered.id, { status: 'ok' })]);
    expect((await cancel(delivered.id)).json<ErrorJson>().error.code).toBe('COMMAND_FINISHED');
    expect((await c.get(delivered.id)).state).toBe('succeeded');
  });
});
