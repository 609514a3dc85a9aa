import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRole } from '../../src/auth/caller.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

interface ErrorJson {
  error: { code: string; message: string; details?: { issues: { path: string }[] } };
}

interface AlarmJson {
  id: number;
  state: string;
  subject: string | null;
  firstRaisedAt: string;
  acknowledged: { by: string; at: string; note: string | null } | null;
  resolved: { by: string; at: string; note: string | null } | null;
}

describe('/api/v1/alarms', () => {
  let t: TestApp;
  let doorId: number;
  let lampId: number;

  beforeAll(async () => {
    t = await createTestApp();
    const raise = t.app.hameau.alarms.raise.bind(t.app.hameau.alarms);
    const door = await raise({
      site: 'station',
      device: 'lockers-2',
      type: 'door-forced',
      subject: 'box-12',
      severity: 'alarm',
      message: 'door-forced on station/lockers-2, box-12',
      details: { seq: 4 },
      at: t.clock.now(),
    });
    await t.clock.advance(60_000);
    const lamp = await raise({
      site: 'park',
      device: 'lamps',
      type: 'lamp-failed',
      severity: 'warning',
      message: 'lamp-failed on park/lamps',
      at: t.clock.now(),
    });
    doorId = door.alarm?.id ?? 0;
    lampId = lamp.alarm?.id ?? 0;
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, role: TokenRole | null = 'technician') =>
    t.app.inject({ method: 'GET', url, headers: role === null ? {} : t.as(role) });
  const post = (url: string, payload?: object, role: TokenRole | null = 'technician') =>
    t.app.inject({
      method: 'POST',
      url,
      headers: role === null ? {} : t.as(role),
      ...(payload && { payload }),
    });

  it('lists alarms newest first, with ISO times', async () => {
    const res = await get('/api/v1/alarms');
    expect(res.statusCode).toBe(200);
    const { alarms } = res.json<{ alarms: AlarmJson[] }>();
    expect(alarms.map((a) => a.id)).toEqual([lampId, doorId]);
    expect(alarms[1]).toEqual({
      id: doorId,
      site: 'station',
      device: 'lockers-2',
      type: 'door-forced',
      subject: 'box-12',
      severity: 'alarm',
      state: 'open',
      source: 'event',
      message: 'door-forced on station/lockers-2, box-12',
      details: { seq: 4 },
      occurrences: 1,
      firstRaisedAt: '2026-11-25T12:00:00.000Z',
      lastRaisedAt: '2026-11-25T12:00:00.000Z',
      acknowledged: null,
      resolved: null,
    });
    expect(alarms[0]?.subject).toBeNull();
  });

  it('filters by site, device, state and limit', async () => {
    const ids = async (query: string) =>
      (await get(`/api/v1/alarms?${query}`))
        .json<{ alarms: AlarmJson[] }>()
        .alarms.map((a) => a.id);
    expect(await ids('site=park')).toEqual([lampId]);
    expect(await ids('site=station&device=lockers-2')).toEqual([doorId]);
    expect(await ids('state=active')).toEqual([lampId, doorId]);
    expect(await ids('state=resolved')).toEqual([]);
    expect(await ids('limit=1')).toEqual([lampId]);
  });

  it('answers 400 naming the bad query field', async () => {
    const res = await get('/api/v1/alarms?state=closed&limit=0');
    expect(res.statusCode).toBe(400);
    const { error } = res.json<ErrorJson>();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.issues.map((i) => i.path)).toEqual([
      'querystring.state',
      'querystring.limit',
    ]);
  });

  it('gets one alarm, 404 for an unknown id and 400 for a malformed one', async () => {
    const one = await get(`/api/v1/alarms/${doorId}`);
    expect(one.json<AlarmJson>().id).toBe(doorId);
    const missing = await get('/api/v1/alarms/9999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorJson>().error.code).toBe('ALARM_NOT_FOUND');
    const bad = await get('/api/v1/alarms/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>().error.message).toMatch(/^params\.id: /);
  });

  it('acknowledges with a note, as the caller, then refuses a second acknowledge with 409', async () => {
    await t.clock.advance(60_000);
    const res = await post(`/api/v1/alarms/${doorId}/acknowledge`, { note: 'on my way' });
    expect(res.statusCode).toBe(200);
    expect(res.json<AlarmJson>()).toMatchObject({
      state: 'acknowledged',
      acknowledged: { by: 'technician', at: '2026-11-25T12:02:00.000Z', note: 'on my way' },
    });
    const again = await post(`/api/v1/alarms/${doorId}/acknowledge`);
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorJson>().error).toMatchObject({
      code: 'ALARM_TRANSITION_INVALID',
      message: expect.stringContaining('acknowledged') as string,
    });
  });

  it('resolves without a body, then refuses to resolve again', async () => {
    const res = await post(`/api/v1/alarms/${doorId}/resolve`, undefined, 'admin');
    expect(res.statusCode).toBe(200);
    expect(res.json<AlarmJson>()).toMatchObject({
      state: 'resolved',
      resolved: { by: 'admin', note: null },
    });
    const again = await post(`/api/v1/alarms/${doorId}/resolve`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorJson>().error.code).toBe('ALARM_TRANSITION_INVALID');
    const ack = await post(`/api/v1/alarms/${doorId}/acknowledge`, {});
    expect(ack.statusCode).toBe(409);
  });

  it('answers 404 for a transition of an unknown alarm', async () => {
    const res = await post('/api/v1/alarms/9999/resolve', {});
    expect(res.statusCode).toBe(404);
    expect(res.json<ErrorJson>().error.code).toBe('ALARM_NOT_FOUND');
  });

  it('answers 400 for a note over 500 characters or an unknown field, changing nothing', async () => {
    const long = await post(`/api/v1/alarms/${lampId}/acknowledge`, { note: 'x'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(long.json<ErrorJson>().error.details?.issues.map((i) => i.path)).toEqual(['body.note']);
    const extra = await post(`/api/v1/alarms/${lampId}/resolve`, { reason: 'fixed' });
    expect(extra.statusCode).toBe(400);
    expect((await get(`/api/v1/alarms/${lampId}`)).json<AlarmJson>().state).toBe('open');
  });

  it('writes the audit rows of people’s transitions with the caller as actor', async () => {
    const res = await get('/api/v1/audit?limit=10', 'admin');
    const entries = res
      .json<{ entries: { actor: string; action: string; subject: string; details: object }[] }>()
      .entries.filter((e) => e.action.startsWith('alarm.'));
    expect(entries.map((e) => [e.action, e.actor, e.subject])).toEqual([
      ['alarm.resolve', 'admin', `alarm/${doorId}`],
      ['alarm.acknowledge', 'technician', `alarm/${doorId}`],
      ['alarm.raise', 'system', `alarm/${lampId}`],
      ['alarm.raise', 'system', `alarm/${doorId}`],
    ]);
    expect(entries[1]?.details).toMatchObject({ note: 'on my way', type: 'door-forced' });
  });

  it.each([
    ['GET', '/api/v1/alarms'],
    ['GET', '/api/v1/alarms/1'],
    ['POST', '/api/v1/alarms/1/acknowledge'],
    ['POST', '/api/v1/alarms/1/resolve'],
  ] as const)(
    '%s %s: 401 without a token, 403 for residents and merchants',
    async (method, url) => {
      const as = (role: TokenRole | null) =>
        t.app.inject({ method, url, headers: role === null ? {} : t.as(role) });
      expect((await as(null)).json<ErrorJson>().error.code).toBe('AUTH_REQUIRED');
      expect((await as(null)).statusCode).toBe(401);
      expect((await as('resident')).statusCode).toBe(403);
      expect((await as('merchant')).statusCode).toBe(403);
    },
  );

  it('is described in the OpenAPI document with its roles', async () => {
    const doc = (await get('/docs/json', null)).json<{
      paths: Record<string, Record<string, { description?: string; tags?: string[] }>>;
      components: { schemas: Record<string, unknown> };
    }>();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/alarms'))).toEqual([
      '/api/v1/alarms',
      '/api/v1/alarms/{id}',
      '/api/v1/alarms/{id}/acknowledge',
      '/api/v1/alarms/{id}/resolve',
    ]);
    expect(doc.paths['/api/v1/alarms']?.get?.description).toContain('Roles: technician, admin.');
    expect(doc.components.schemas).toHaveProperty('Alarm');
  });
});
