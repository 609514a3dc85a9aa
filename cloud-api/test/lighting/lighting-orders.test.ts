import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandPayload, TOPICS } from '@hameau/protocol';
import { DIALECTS } from '../helpers/test-database.js';
import {
  LAMPS,
  LOCKERS,
  TOWN,
  createLightingTestApp,
  type ErrorJson,
  type LightingTestApp,
} from './lighting-test-app.js';

interface CommandJson {
  id: string;
  name: string;
  args: Record<string, unknown>;
  state: string;
  issuedAt: string;
  expiresAt: string;
}

describe.each(DIALECTS)('lighting orders from the console (%s)', (dialect) => {
  let c: LightingTestApp;

  beforeAll(async () => {
    c = await createLightingTestApp(dialect);
    const res = await c.request('PUT', c.url(), { body: TOWN });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await c.close();
  });

  const issuesOf = (body: unknown) =>
    (body as ErrorJson).error.details?.issues.map((i) => i.path) ?? [];

  it('sends the override command with the args the lighting module reads', async () => {
    const versions = (await c.lighting()).version;
    const res = await c.request<CommandJson>('POST', c.url('/overrides'), {
      body: { zones: ['lane'], level: 100, minutes: 30, rampSeconds: 20, reason: 'accident' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/commands/${res.body.id}`);
    expect(res.body).toMatchObject({
      name: 'override',
      args: { zones: ['lane'], level: 100, minutes: 30, rampSeconds: 20, reason: 'accident' },
      state: 'sent',
    });
    // One minute to reach the controller, by default.
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.issuedAt)).toBe(60_000);

    // The command as the commands domain has it, and as the controller receives it.
    const stored = await c.request<CommandJson>('GET', `/commands/${res.body.id}`);
    expect(stored.body.args).toEqual(res.body.args);
    const sent = c.publisher.published.at(-1);
    expect(sent?.topic).toBe(TOPICS.command.build({ ...LAMPS, name: 'override' }));
    expect(CommandPayload.parse(sent?.payload)).toMatchObject({
      id: res.body.id,
      issuedBy: 'technician',
      args: res.body.args,
    });
    // An order is not configuration.
    expect((await c.lighting()).version).toBe(versions);
  });

  it('sends `until` as written, for all zones, and is idempotent with an id', async () => {
    const until = new Date(c.t.clock.now() + 3_600_000).toISOString();
    const body = { zones: 'all', level: 0, until, reason: 'lamp test', id: 'cmd-lamp-test-1' };
    const first = await c.request<CommandJson>('POST', c.url('/overrides'), { body });
    expect(first.status).toBe(201);
    expect(first.body.args).toEqual({ zones: 'all', level: 0, until, reason: 'lamp test' });
    const again = await c.request<CommandJson>('POST', c.url('/overrides'), { body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe('cmd-lamp-test-1');
  });

  it('names what is wrong with an order, and sends nothing', async () => {
    const sent = c.publisher.published.length;
    const both = await c.request<ErrorJson>('POST', c.url('/overrides'), {
      body: { zones: 'all', level: 50, minutes: 10, until: '2030-01-01T00:00:00Z', reason: 'x' },
    });
    expect(both.status).toBe(400);
    expect(issuesOf(both.body)).toEqual(['body.minutes']);

    const fields = await c.request<ErrorJson>('POST', c.url('/overrides'), {
      body: { zones: [], level: 101, minutes: 10, reason: ' ' },
    });
    expect(issuesOf(fields.body).sort()).toEqual(['body.level', 'body.reason', 'body.zones']);

    const past = await c.request<ErrorJson>('POST', c.url('/overrides'), {
      body: { zones: 'all', level: 50, until: '2020-01-01T00:00:00Z', reason: 'late' },
    });
    expect(issuesOf(past.body)).toEqual(['body.until']);

    const local = await c.request<ErrorJson>('POST', c.url('/overrides'), {
      body: { zones: 'all', level: 50, until: '2030-01-01T00:00:00', reason: 'no zone' },
    });
    expect(issuesOf(local.body)).toEqual(['body.until']);

    const zone = await c.request<ErrorJson>('POST', c.url('/overrides'), {
      body: { zones: ['lane', 'square'], level: 50, minutes: 5, reason: 'works' },
    });
    expect(issuesOf(zone.body)).toEqual(['body.zones.1']);
    expect(zone.body.error.message).toContain('square');

    const locker = await c.request<ErrorJson>('POST', c.url('/overrides', LOCKERS), {
      body: { zones: 'all', level: 50, minutes: 5, reason: 'x' },
    });
    expect(locker.body.error.code).toBe('LIGHTING_CONTROLLER_NOT_FOUND');
    expect(c.publisher.published.length).toBe(sent);
  });

  it('ends an override with the clear-override command', async () => {
    const res = await c.request<CommandJson>('POST', c.url('/overrides/works-2026/clear'), {
      body: { ttlSeconds: 300 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'clear-override', args: { id: 'works-2026' } });
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.issuedAt)).toBe(300_000);
    const noBody = await c.request<CommandJson>('POST', c.url('/overrides/cmd-lamp-test-1/clear'));
    expect(noBody.status).toBe(201);
    expect(noBody.body.args).toEqual({ id: 'cmd-lamp-test-1' });
    const bad = await c.request<ErrorJson>('POST', c.url('/overrides/no%20such/clear'));
    expect(issuesOf(bad.body)).toEqual(['params.id']);
  });

  it('is for technicians and admins', async () => {
    const res = await c.request('POST', c.url('/overrides'), {
      role: 'resident',
      body: { zones: 'all', level: 100, minutes: 5, reason: 'party' },
    });
    expect(res.status).toBe(403);
  });
});
