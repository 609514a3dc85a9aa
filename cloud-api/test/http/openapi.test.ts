import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

interface Operation {
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: { 'application/json': { schema: Schema } } }>;
}
interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { scheme: string }>;
    schemas: Record<string, Schema>;
  };
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Document;

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<Document>();
  });
  afterAll(async () => {
    await t.close();
  });

  const op = (path: string, method: string): Operation => {
    const found = doc.paths[path]?.[method];
    if (found === undefined) throw new Error(`${method} ${path} is not in the document`);
    return found;
  };

  it('lists every route', () => {
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'GET /healthz',
        'POST /api/v1/devices',
        'GET /api/v1/devices',
        'GET /api/v1/devices/{site}/{device}',
        'GET /api/v1/devices/{site}/{device}/health',
        'DELETE /api/v1/devices/{site}/{device}',
        'POST /api/v1/devices/{site}/{device}/commands',
        'GET /api/v1/devices/{site}/{device}/commands',
        'PUT /api/v1/devices/{site}/{device}/config',
        'GET /api/v1/devices/{site}/{device}/config',
        'GET /api/v1/devices/{site}/{device}/config/versions',
        'POST /api/v1/devices/{site}/{device}/config/resync',
        'GET /api/v1/alarms',
        'GET /api/v1/alarms/{id}',
        'GET /api/v1/commands/{id}',
        'POST /api/v1/alarms/{id}/acknowledge',
        'POST /api/v1/alarms/{id}/resolve',
        'POST /api/v1/commands/{id}/cancel',
        'POST /api/v1/tokens',
        'GET /api/v1/tokens',
        'DELETE /api/v1/tokens/{id}',
        'POST /api/v1/session',
        'GET /api/v1/session',
        'DELETE /api/v1/session',
        'POST /api/v1/users',
        'GET /api/v1/users',
        'POST /api/v1/users/{name}/disable',
        'POST /api/v1/users/{name}/enable',
        'POST /api/v1/users/{name}/reset-password',
        'POST /api/v1/mqtt-accounts',
        'GET /api/v1/mqtt-accounts',
        'DELETE /api/v1/mqtt-accounts/{name}',
        'GET /api/v1/audit',
        'GET /api/v1/energy/now',
        'GET /api/v1/energy/kwh',
        'GET /api/v1/energy/green-share',
        'GET /api/v1/energy/history',
        'GET /api/v1/energy/definitions',
        'GET /api/v1/energy/meters',
        'PUT /api/v1/energy/meters/{site}/{device}/{meter}',
        'DELETE /api/v1/energy/meters/{site}/{device}/{meter}',
        'GET /api/v1/energy/meters/{site}/{device}/{meter}/kwh',
        'GET /api/v1/energy/meters/{site}/{device}/{meter}/series',
        'GET /api/v1/lockers/banks',
        'POST /api/v1/lockers/banks',
        'GET /api/v1/lockers/banks/{bank}',
        'PATCH /api/v1/lockers/banks/{bank}',
        'DELETE /api/v1/lockers/banks/{bank}',
        'GET /api/v1/lockers/banks/{bank}/boxes',
        'PUT /api/v1/lockers/banks/{bank}/boxes/{number}',
        'POST /api/v1/lockers/banks/{bank}/credentials/resync',
        'POST /api/v1/lockers/reservations',
        'GET /api/v1/lockers/reservations',
        'GET /api/v1/lockers/reservations/{id}',
        'POST /api/v1/lockers/reservations/{id}/cancel',
        'POST /api/v1/lockers/reservations/{id}/open',
        'GET /api/v1/devices/{site}/{device}/lighting',
        'PUT /api/v1/devices/{site}/{device}/lighting',
        'PUT /api/v1/devices/{site}/{device}/lighting/calendar',
        'PUT /api/v1/devices/{site}/{device}/lighting/zones/{id}',
        'DELETE /api/v1/devices/{site}/{device}/lighting/zones/{id}',
        'PUT /api/v1/devices/{site}/{device}/lighting/programs/{id}',
        'DELETE /api/v1/devices/{site}/{device}/lighting/programs/{id}',
        'PUT /api/v1/devices/{site}/{device}/lighting/events/{id}',
        'DELETE /api/v1/devices/{site}/{device}/lighting/events/{id}',
        'POST /api/v1/devices/{site}/{device}/lighting/overrides',
        'POST /api/v1/devices/{site}/{device}/lighting/overrides/{id}/clear',
        'GET /api/v1/devices/{site}/{device}/lighting/levels',
        'GET /api/v1/devices/{site}/{device}/lighting/history',
        'GET /api/v1/lighting/savings',
        'GET /api/v1/public/live',
        'GET /api/v1/public/snapshot',
        'GET /api/v1/public/history',
        'GET /api/v1/weather',
        'POST /api/v1/weather/refresh',
      ].sort(),
    );
  });

  it('describes request bodies and responses from the zod schemas', () => {
    const create = op('/api/v1/devices', 'post');
    const body = create.requestBody?.content['application/json'].schema;
    expect(body?.required?.sort()).toEqual(['device', 'kind', 'site']);
    const created = create.responses['201']?.content?.['application/json'].schema;
    expect(Object.keys(created?.properties ?? {}).sort()).toEqual(
      ['createdAt', 'device', 'kind', 'mqtt', 'site'].sort(),
    );
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '409']);
    const params = op('/api/v1/devices/{site}/{device}', 'get').parameters ?? [];
    expect(params.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:device', 'path:site']);
    const query = op('/api/v1/audit', 'get').parameters ?? [];
    expect(query.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['query:before', 'query:limit']);
  });

  it('marks guarded routes with the bearer scheme and their roles, and only those', () => {
    expect(doc.components.securitySchemes.bearerAuth?.scheme).toBe('bearer');
    const list = op('/api/v1/devices', 'get');
    expect(list.security).toEqual([{ bearerAuth: [] }]);
    expect(list.description).toContain('Roles: technician, admin.');
    expect(op('/api/v1/devices', 'post').description).toContain('Roles: admin.');
    expect(op('/healthz', 'get').security).toBeUndefined();
  });

  it('shares the error body as one component', () => {
    const ref = op('/api/v1/devices', 'post').responses['409']?.content?.['application/json']
      .schema;
    expect(ref?.$ref).toMatch(/^#\/components\/schemas\/Error/);
  });

  it('serves swagger-ui at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });
});
