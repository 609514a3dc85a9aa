import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DesiredConfigPayload, LightingControlConfigSchema, TOPICS } from '@hameau/protocol';
import { listAudit } from '../../src/audit/audit-store.js';
import { DIALECTS } from '../helpers/test-database.js';
import {
  GARE_LAMPS,
  LAMPS,
  LOCKERS,
  TOWN,
  createLightingTestApp,
  type ErrorJson,
  type LightingJson,
  type LightingTestApp,
} from './lighting-test-app.js';

/** What the other modules of the controller run: the lighting edits must leave it alone. */
const METERING = { meters: [{ id: 'cabinet', model: 'sdm120', unitId: 1 }] };

describe.each(DIALECTS)('/api/v1 lighting configuration (%s)', (dialect) => {
  let c: LightingTestApp;

  beforeAll(async () => {
    c = await createLightingTestApp(dialect);
  });
  afterAll(async () => {
    await c.close();
  });

  const issuesOf = (body: unknown) =>
    (body as ErrorJson).error.details?.issues.map((i) => i.path) ?? [];

  it('has no desired lighting, in sync with a controller running its site.yaml', async () => {
    const res = await c.request<LightingJson>('GET', c.url());
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toEqual({
      version: 0,
      desired: null,
      reported: null,
      applied: null,
      inSync: true,
    });
  });

  it('answers 404 for a device that is not a lighting controller, or not registered', async () => {
    const locker = await c.request<ErrorJson>('GET', c.url('', LOCKERS));
    expect(locker.status).toBe(404);
    expect(locker.body.error.code).toBe('LIGHTING_CONTROLLER_NOT_FOUND');
    const zone = await c.request<ErrorJson>('PUT', c.url('/zones/z1', LOCKERS), {
      body: { name: 'Z', class: 'P3' },
    });
    expect(zone.body.error.code).toBe('LIGHTING_CONTROLLER_NOT_FOUND');
    const unknown = await c.request<ErrorJson>('GET', c.url('', { site: 'ville', device: 'nope' }));
    expect(unknown.body.error.code).toBe('DEVICE_NOT_FOUND');
  });

  it('is for technicians and admins', async () => {
    expect((await c.request('GET', c.url(), { role: null })).status).toBe(401);
    expect((await c.request('GET', c.url(), { role: 'resident' })).status).toBe(403);
    const put = await c.request('PUT', c.url('/zones/a'), {
      role: 'merchant',
      body: { name: 'A', class: 'P3' },
    });
    expect(put.status).toBe(403);
    expect((await c.lighting()).version).toBe(0);
  });

  it('puts a zone into the section of a new version, keeping the other modules as they were', async () => {
    // Another module's configuration, set through the device-config API.
    const raw = await c.request('PUT', `/devices/${LAMPS.site}/${LAMPS.device}/config`, {
      body: { config: { modules: { metering: METERING }, note: 'kept' } },
    });
    expect(raw.status).toBe(200);

    const res = await c.request<LightingJson>('PUT', c.url('/zones/connetable'), {
      body: TOWN.zones[0],
      headers: { 'if-match': '"1"' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body.version).toBe(2);
    expect(res.body.desired).toMatchObject({
      lighting: { zones: [TOWN.zones[0]] },
      issuedBy: 'technician',
    });

    const config = await c.request<{ desired: { config: unknown } }>(
      'GET',
      `/devices/${LAMPS.site}/${LAMPS.device}/config`,
    );
    expect(config.body.desired.config).toEqual({
      modules: { metering: METERING, lighting: { zones: [TOWN.zones[0]] } },
      note: 'kept',
    });
    // Published retained, as the agent will get it.
    const last = c.publisher.published.at(-1);
    expect(last?.topic).toBe(TOPICS.desiredConfig.build(LAMPS));
    expect(last?.options.retain).toBe(true);
    const payload = DesiredConfigPayload.parse(last?.payload);
    expect(payload.version).toBe(2);
    expect(payload.config).toEqual(config.body.desired.config);
  });

  it('keeps what the technician wrote and what the agent will parse', async () => {
    const zones = await c.request<LightingJson>('PUT', c.url('/zones/lane'), {
      body: TOWN.zones[1],
    });
    expect(zones.status).toBe(200);
    const program = await c.request<LightingJson>('PUT', c.url('/programs/standard'), {
      body: TOWN.programs[0],
    });
    expect(program.status).toBe(200);
    const lighting = program.body.desired?.lighting as Record<string, unknown>;
    // As written: `23:00`, not the minutes the schema parses it to; the built-in program stays
    // beside the first one added, since the section's default program is still it.
    expect(lighting.programs).toEqual([
      { id: 'all-night', name: 'All night at 100 %', steps: [{ level: 100 }] },
      { ...TOWN.programs[0] },
    ]);
    expect(LightingControlConfigSchema.safeParse(lighting).success).toBe(true);
  });

  it('names the field of the body that is wrong, and changes nothing', async () => {
    const before = (await c.lighting()).version;
    const zone = await c.request<ErrorJson>('PUT', c.url('/zones/bad'), {
      body: { name: '', class: 'Q9', lamps: [{ ratedW: -5 }] },
    });
    expect(zone.status).toBe(400);
    expect(zone.body.error.code).toBe('VALIDATION_FAILED');
    expect(issuesOf(zone.body).sort()).toEqual(['body.class', 'body.lamps.0.ratedW', 'body.name']);

    const program = await c.request<ErrorJson>('PUT', c.url('/programs/late'), {
      body: { steps: [{ level: 80, until: '23:00' }, { level: 40, until: '22:00' }, { level: 0 }] },
    });
    expect(issuesOf(program.body)).toEqual(['body.steps.1.until']);

    const id = await c.request<ErrorJson>('PUT', c.url('/zones/Not_An_Id'), {
      body: { name: 'X', class: 'P3' },
    });
    expect(issuesOf(id.body)).toEqual(['params.id']);

    const mismatch = await c.request<ErrorJson>('PUT', c.url('/zones/lane'), {
      body: { ...TOWN.zones[1], id: 'other' },
    });
    expect(issuesOf(mismatch.body)).toEqual(['body.id']);

    // Valid alone, but it names a zone the section does not have.
    const event = await c.request<ErrorJson>('PUT', c.url('/events/fete'), {
      body: {
        name: 'Fête',
        zones: ['lane', 'square'],
        start: '2026-07-11T19:00:00+02:00',
        end: '2026-07-12T01:00:00+02:00',
        level: 100,
      },
    });
    expect(event.status).toBe(400);
    expect(issuesOf(event.body)).toEqual(['body.zones.1']);
    expect(event.body.error.message).toContain('unknown zone "square"');

    expect((await c.lighting()).version).toBe(before);
  });

  it('refuses to remove what the rest still refers to, naming where', async () => {
    const event = await c.request<LightingJson>('PUT', c.url('/events/fete'), {
      body: {
        name: 'Fête',
        zones: ['lane'],
        start: '2026-07-11T19:00:00+02:00',
        end: '2026-07-12T01:00:00+02:00',
        level: 100,
      },
    });
    expect(event.status).toBe(200);
    const remove = await c.request<ErrorJson>('DELETE', c.url('/zones/lane'));
    expect(remove.status).toBe(400);
    expect(issuesOf(remove.body)).toEqual(['lighting.events.0.zones.0']);

    const gone = await c.request<ErrorJson>('DELETE', c.url('/events/nope'));
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('LIGHTING_ITEM_NOT_FOUND');

    const removed = await c.request<LightingJson>('DELETE', c.url('/events/fete'));
    expect(removed.status).toBe(200);
    expect(removed.body.desired?.lighting?.events).toEqual([]);
  });

  it('replaces the calendar in its order, naming a wrong rule by its place', async () => {
    const bad = await c.request<ErrorJson>('PUT', c.url('/calendar'), {
      body: {
        rules: [
          { name: 'weekend', program: 'standard', when: { weekdays: ['fri', 'sat'] } },
          { name: 'summer', program: 'ghost', when: { months: [7, 8] } },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(issuesOf(bad.body)).toEqual(['body.rules.1.program']);
    const empty = await c.request<ErrorJson>('PUT', c.url('/calendar'), {
      body: { rules: [{ name: 'never', program: 'standard', when: {} }] },
    });
    expect(issuesOf(empty.body)).toEqual(['body.rules.0.when']);

    const good = await c.request<LightingJson>('PUT', c.url('/calendar'), {
      body: { rules: TOWN.calendar },
    });
    expect(good.status).toBe(200);
    expect(good.body.desired?.lighting?.calendar).toEqual(TOWN.calendar);
  });

  it('refuses a change made from a version that is no longer the latest', async () => {
    const { version } = await c.lighting();
    // Alice and Bob both read `version`; Bob saves first.
    const bob = await c.request<LightingJson>('PUT', c.url('/zones/lane'), {
      body: { ...TOWN.zones[1], class: 'P4' },
      headers: { 'if-match': `"${version}"` },
    });
    expect(bob.status).toBe(200);
    const alice = await c.request<ErrorJson>('PUT', c.url('/zones/lane'), {
      body: { ...TOWN.zones[1], class: 'P6' },
      headers: { 'if-match': `"${version}"` },
    });
    expect(alice.status).toBe(409);
    expect(alice.body.error.code).toBe('CONFIG_VERSION_CONFLICT');
    const lane = (await c.lighting()).desired?.lighting?.zones as { id: string; class: string }[];
    expect(lane.find((z) => z.id === 'lane')?.class).toBe('P4');

    // The built-in program is the section's default one: it cannot go.
    const builtIn = await c.request<ErrorJson>('DELETE', c.url('/programs/all-night'));
    expect(builtIn.status).toBe(400);
    expect(issuesOf(builtIn.body)).toEqual(['lighting.defaultProgram']);

    // A weak ETag, or none at all, goes on top of the latest.
    const latest = (await c.lighting()).version;
    const weak = await c.request<LightingJson>('PUT', c.url('/programs/dark'), {
      body: { steps: [{ level: 0 }] },
      headers: { 'if-match': `W/"${latest}"` },
    });
    expect(weak.status).toBe(200);
    const blind = await c.request<LightingJson>('PUT', c.url('/zones/lane'), {
      body: TOWN.zones[1],
    });
    expect(blind.body.version).toBe(latest + 2);

    const malformed = await c.request<ErrorJson>('PUT', c.url('/zones/lane'), {
      body: TOWN.zones[1],
      headers: { 'if-match': 'yesterday' },
    });
    expect(malformed.status).toBe(400);
    expect(issuesOf(malformed.body)).toEqual(['headers.if-match']);
  });

  it('keeps both of two edits made at once without If-Match, one on top of the other', async () => {
    const { version } = await c.lighting();
    const [a, b] = await Promise.all([
      c.request<LightingJson>('PUT', c.url('/zones/north'), {
        body: { name: 'North', class: 'P2' },
      }),
      c.request<LightingJson>('PUT', c.url('/zones/south'), {
        body: { name: 'South', class: 'P2' },
      }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const after = await c.lighting();
    expect(after.version).toBe(version + 2);
    const ids = (after.desired?.lighting?.zones as { id: string }[]).map((z) => z.id);
    expect(ids).toEqual(expect.arrayContaining(['north', 'south']));
    await c.request('DELETE', c.url('/zones/north'));
    await c.request('DELETE', c.url('/zones/south'));
  });

  it('shows what the controller runs: drift, and no drift for another module’s change', async () => {
    const desired = await c.lighting();
    expect(desired.inSync).toBe(false);
    await c.dispatch([c.reported(desired.version)]);
    const running = await c.lighting();
    expect(running.applied).toEqual({
      version: desired.version,
      lighting: desired.desired?.lighting,
    });
    expect(running.inSync).toBe(true);

    // The metering section changes: a new version, the same lighting.
    const config = await c.request<{ desired: { version: number; config: { modules: object } } }>(
      'GET',
      `/devices/${LAMPS.site}/${LAMPS.device}/config`,
    );
    const { modules } = config.body.desired.config;
    await c.request('PUT', `/devices/${LAMPS.site}/${LAMPS.device}/config`, {
      body: { config: { modules: { ...modules, metering: { meters: [] } } } },
    });
    const other = await c.lighting();
    expect(other.version).toBe(desired.version + 1);
    expect(other.inSync).toBe(true);

    // A lighting change is drift until the controller runs it.
    await c.request('PUT', c.url('/zones/lane'), { body: { ...TOWN.zones[1], class: 'P3' } });
    const drift = await c.lighting();
    expect(drift.inSync).toBe(false);
    expect(drift.applied?.version).toBe(desired.version);

    // A version the cloud does not have is never in sync.
    await c.dispatch([c.reported(999)]);
    expect(await c.lighting()).toMatchObject({
      applied: { version: 999, lighting: null },
      inSync: false,
    });
  });

  it('replaces the whole section, judged by the protocol schema', async () => {
    const bad = await c.request<ErrorJson>('PUT', c.url('', GARE_LAMPS), {
      body: { ...TOWN, zones: [TOWN.zones[0], TOWN.zones[0]], holidays: 'mars' },
    });
    expect(bad.status).toBe(400);
    expect(issuesOf(bad.body).sort()).toEqual(['body.holidays']);
    const dup = await c.request<ErrorJson>('PUT', c.url('', GARE_LAMPS), {
      body: { ...TOWN, zones: [TOWN.zones[0], TOWN.zones[0]] },
    });
    expect(issuesOf(dup.body)).toEqual(['body.zones.1.id']);
    const typo = await c.request<ErrorJson>('PUT', c.url('', GARE_LAMPS), {
      body: { ...TOWN, zone: [] },
    });
    expect(issuesOf(typo.body)).toEqual(['body']);

    const good = await c.request<LightingJson>('PUT', c.url('', GARE_LAMPS), {
      body: TOWN,
      headers: { 'if-match': '0' },
    });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ version: 1, desired: { lighting: TOWN } });
    // The other controller's configuration is its own.
    expect((await c.lighting()).desired?.lighting).not.toEqual(TOWN);
  });

  it('audits each change with its version and what it touched', async () => {
    const entries = await listAudit(c.t.database.db, { limit: 100 });
    const lighting = entries.filter((e) => e.action.startsWith('lighting.'));
    expect(lighting.map((e) => e.action)).toContain('lighting.zone.put');
    expect(lighting.map((e) => e.action)).toContain('lighting.event.delete');
    expect(lighting.map((e) => e.action)).toContain('lighting.calendar.put');
    const put = lighting.find((e) => e.action === 'lighting.replace');
    expect(put).toMatchObject({
      actor: 'technician',
      subject: `${GARE_LAMPS.site}/${GARE_LAMPS.device}`,
      details: { version: 1 },
    });
  });

  it('leaves the module’s hardware keys to the agent and keeps them through edits', async () => {
    const hardware = {
      buses: [{ id: 'armoire', type: 'modbus', transport: 'tcp', host: '10.0.0.7', port: 502 }],
      zoneNodes: { [TOWN.zones[0]?.id ?? '']: ['n1'] },
      decisionSeconds: 60,
    };
    const current = await c.request<LightingJson>('GET', c.url('', GARE_LAMPS));
    const put = await c.request<LightingJson>('PUT', c.url('', GARE_LAMPS), {
      body: { ...TOWN, ...hardware },
      headers: { 'if-match': String(current.body.version) },
    });
    expect(put.status).toBe(200);
    // An edit of the controller's part keeps the hardware as written.
    const first = TOWN.zones[0];
    if (first === undefined) throw new Error('the test town has zones');
    const zone = { ...first, name: 'Rue de Paris (renamed)' };
    const edit = await c.request<LightingJson>('PUT', c.url(`/zones/${zone.id}`, GARE_LAMPS), {
      body: zone,
    });
    expect(edit.status).toBe(200);
    expect(edit.body.desired?.lighting).toMatchObject(hardware);
    // A key that is neither the controller's nor the module's is still a typo.
    const typo = await c.request<ErrorJson>('PUT', c.url('', GARE_LAMPS), {
      body: { ...TOWN, ...hardware, bus: [] },
    });
    expect(typo.status).toBe(400);
  });
});
