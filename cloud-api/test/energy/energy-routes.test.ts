import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { listAudit } from '../../src/audit/audit-store.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { DIALECTS } from '../helpers/test-database.js';
import { HALL, MINUTE, reading, SCHOOL, SOLAR, steady } from './energy-kit.js';

interface ErrorJson {
  error: { code: string; message: string; details?: { issues: { path: string }[] } };
}
interface FigureJson {
  kwh: number | null;
  partial: boolean;
  coverage: number;
  meters: number;
}
interface KwhJson {
  scope: string;
  period: string;
  timeZone: string;
  periods: {
    label: string;
    inProgress: boolean;
    consumption: FigureJson;
    production: FigureJson;
    gridImport: FigureJson | null;
  }[];
}
interface MeterJson {
  site: string;
  device: string;
  meter: string;
  role: string;
  countedAs: string;
  label: string | null;
  lastSeenAt: string | null;
}

/** The app's clock reads 2026-11-25T12:00Z. */
const NOW = Date.UTC(2026, 10, 25, 12);

describe.each(DIALECTS)('/api/v1/energy (%s)', (dialect) => {
  let t: TestApp;
  let store: EmbeddedStore;

  beforeAll(async () => {
    store = new EmbeddedStore({
      path: ':memory:',
      clock: new ManualClock(NOW),
      retentionIntervalMs: null,
    });
    t = await createTestApp({ dialect, options: { timeSeries: store } });
    const every = { from: Date.UTC(2026, 10, 23, 22, 1), to: NOW, stepMs: 5 * MINUTE };
    await store.write([
      ...steady(HALL, { ...every, kw: 1.5, start: 1000 }),
      ...steady(SCHOOL, { ...every, kw: 0.75, start: 10 }),
      ...steady(SOLAR, { ...every, kw: 0.375, start: 5, field: 'energy_export_kwh' }),
      reading(HALL, NOW - MINUTE, { power_w: 1500 }),
      // Ten minutes old: stale.
      reading(SCHOOL, NOW - 10 * MINUTE, { power_w: 750 }),
      reading(SOLAR, NOW - 30_000, { power_w: -375 }),
    ]);
    for (const m of [HALL, SCHOOL]) {
      await t.app.hameau.devices.create({ site: m.site, device: m.device, kind: 'meters' }, 'test');
    }
  });
  afterAll(async () => {
    await t.close();
    await store.close();
  });

  const get = (url: string, role?: 'technician' | 'admin' | 'resident') =>
    t.app.inject({ method: 'GET', url, ...(role && { headers: t.as(role) }) });

  it('serves the public figures without a token, cacheable', async () => {
    for (const path of ['now', 'kwh', 'green-share', 'history', 'definitions']) {
      const res = await get(`/api/v1/energy/${path}`);
      expect(res.statusCode, path).toBe(200);
      expect(res.headers['cache-control'], path).toMatch(/^public, max-age=\d+$/);
    }
  });

  it('answers 400 naming the field for a bad period, range or scope', async () => {
    const cases = [
      ['/api/v1/energy/kwh?period=year', 'querystring.period'],
      ['/api/v1/energy/kwh?from=2026-11-25&to=2026-11-01', 'querystring.from'],
      ['/api/v1/energy/kwh?from=2026-02-30', 'querystring.from'],
      ['/api/v1/energy/kwh?period=day&from=2024-01-01', 'querystring.from'],
      ['/api/v1/energy/now?scope=site:Town%20Hall', 'querystring.scope'],
      ['/api/v1/energy/history?range=year', 'querystring.range'],
      ['/api/v1/energy/green-share?from=2026-10-01&to=2026-11-25', 'querystring.to'],
    ] as const;
    for (const [url, field] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      const { error } = res.json<ErrorJson>();
      expect(error.code, url).toBe('VALIDATION_FAILED');
      expect(
        error.details?.issues.map((i) => i.path),
        url,
      ).toContain(field);
    }
  });

  it("gives yesterday's and today's kWh by default, today up to now", async () => {
    const body = (await get('/api/v1/energy/kwh')).json<KwhJson>();
    expect(body).toMatchObject({ scope: 'town', period: 'day', timeZone: 'Europe/Paris' });
    expect(body.periods.map((p) => [p.label, p.inProgress])).toEqual([
      ['2026-11-24', false],
      ['2026-11-25', true],
    ]);
    // Unassigned, the solar meter has no import counter: consumption is the two buildings.
    expect(body.periods[0]?.consumption).toEqual({
      kwh: 54,
      partial: false,
      coverage: 1,
      meters: 2,
    });
    expect(body.periods[0]?.production).toEqual({
      kwh: null,
      partial: false,
      coverage: 0,
      meters: 0,
    });
    // Today: 22:56Z to 11:56Z, 13 h.
    expect(body.periods[1]?.consumption.kwh).toBe(13 * 2.25);
    const site = (
      await get('/api/v1/energy/kwh?scope=site:school&from=2026-11-24&to=2026-11-24')
    ).json<KwhJson>();
    expect(site.periods.map((p) => p.consumption.kwh)).toEqual([18]);
  });

  it('gives power now, leaving out and counting stale meters', async () => {
    const res = await get('/api/v1/energy/now');
    expect(res.headers['cache-control']).toBe('public, max-age=5');
    // All three count as consumption while unassigned (the solar meter's −375 W included).
    expect(res.json()).toEqual({
      scope: 'town',
      at: '2026-11-25T12:00:00.000Z',
      consumptionW: 1500 - 375,
      productionW: null,
      gridW: null,
      meters: { fresh: 2, stale: 1 },
      staleAfterSeconds: 300,
    });
  });

  it('refuses the meter routes to residents and anonymous callers', async () => {
    expect((await get('/api/v1/energy/meters', 'resident')).statusCode).toBe(403);
    expect((await get('/api/v1/energy/meters')).statusCode).toBe(401);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/energy/meters/school/meters-2/roof-solar',
      headers: t.as('resident'),
      payload: { role: 'production' },
    });
    expect(put.statusCode).toBe(403);
    expect((await get('/api/v1/energy/meters/school/meters-2/building/series')).statusCode).toBe(
      401,
    );
  });

  it('lists meters seen in telemetry as unassigned, sets and clears roles (audited)', async () => {
    const before = (await get('/api/v1/energy/meters', 'technician')).json<{
      meters: MeterJson[];
    }>();
    expect(before.meters.map((m) => [m.site, m.meter, m.role, m.countedAs])).toEqual([
      ['school', 'building', 'unassigned', 'consumption'],
      ['school', 'roof-solar', 'unassigned', 'consumption'],
      ['town-hall', 'building', 'unassigned', 'consumption'],
    ]);
    expect(before.meters[0]?.lastSeenAt).toBe('2026-11-25T11:56:00.000Z');

    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/energy/meters/school/meters-2/roof-solar',
      headers: t.as('technician'),
      payload: { role: 'production', label: 'School roof' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      site: 'school',
      device: 'meters-2',
      meter: 'roof-solar',
      role: 'production',
      countedAs: 'production',
      label: 'School roof',
      lastSeenAt: '2026-11-25T11:59:30.000Z',
    });
    // Now production: its export counter and its (negative) power count as production.
    const kwh = (await get('/api/v1/energy/kwh?from=2026-11-24&to=2026-11-24')).json<KwhJson>();
    expect(kwh.periods[0]?.production).toEqual({ kwh: 9, partial: false, coverage: 1, meters: 1 });
    const now = (await get('/api/v1/energy/now')).json<{
      consumptionW: number;
      productionW: number;
    }>();
    expect([now.consumptionW, now.productionW]).toEqual([1500, 375]);

    const unknown = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/energy/meters/nowhere/meters-9/x',
      headers: t.as('admin'),
      payload: { role: 'grid' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ErrorJson>().error.code).toBe('DEVICE_NOT_FOUND');
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/energy/meters/school/meters-2/roof-solar',
      headers: t.as('admin'),
      payload: { role: 'wind' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorJson>().error.details?.issues.map((i) => i.path)).toEqual(['body.role']);

    const cleared = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/energy/meters/school/meters-2/roof-solar',
      headers: t.as('admin'),
    });
    expect(cleared.json<MeterJson>()).toMatchObject({ role: 'unassigned', label: null });
    const audit = await listAudit(t.database.db, { limit: 10 });
    expect(audit.map((a) => [a.action, a.subject, a.actor]).slice(0, 2)).toEqual([
      ['energy.meter-role.clear', 'school/meters-2/roof-solar', 'admin'],
      ['energy.meter-role.set', 'school/meters-2/roof-solar', 'technician'],
    ]);
  });

  it('gives a history chart in uPlot layout', async () => {
    const week = (await get('/api/v1/energy/history?range=week')).json<{
      step: string;
      series: string[];
      data: (number | null)[][];
    }>();
    expect(week.step).toBe('day');
    expect(week.series).toEqual(['consumption', 'production']);
    const [times, consumption] = week.data;
    expect(times).toHaveLength(7);
    // The last day is today (November 25, from 23:00Z the day before), in Unix seconds.
    expect(times?.at(-1)).toBe(Date.UTC(2026, 10, 24, 23) / 1000);
    expect(consumption?.slice(0, 4)).toEqual([null, null, null, null]);
    expect(consumption?.at(-2)).toBe(54);
    const day = (await get('/api/v1/energy/history?range=day')).json<{
      data: (number | null)[][];
    }>();
    expect(day.data[0]).toHaveLength(24);
    // 13:00 local onwards has not begun.
    expect(day.data[1]?.slice(13)).toEqual(new Array(11).fill(null));
    expect(day.data[1]?.[0]).toBe(2.25);
  });

  it('publishes the definitions, with the grid share and where it comes from', async () => {
    const res = await get('/api/v1/energy/definitions');
    const body = res.json<{
      greenShare: { formula: string; gridRenewableShare: number; gridRenewableShareSource: string };
    }>();
    expect(body.greenShare.gridRenewableShare).toBe(0.25);
    expect(body.greenShare.formula).toBe(
      'green share = (local renewable production + grid renewable share × grid import) / consumption',
    );
    expect(body.greenShare.gridRenewableShareSource).toMatch(/^Default value/);
  });

  it("gives a technician one meter's kWh and series", async () => {
    const kwh = await get(
      '/api/v1/energy/meters/town-hall/meters-1/building/kwh?from=2026-11-24&to=2026-11-24',
      'technician',
    );
    expect(kwh.statusCode).toBe(200);
    expect(kwh.json<{ periods: unknown[] }>().periods).toEqual([
      {
        label: '2026-11-24',
        start: '2026-11-23T23:00:00.000Z',
        end: '2026-11-24T23:00:00.000Z',
        inProgress: false,
        import: { kwh: 36, partial: false, coverage: 1 },
        export: { kwh: null, partial: true, coverage: 0 },
      },
    ]);
    const series = await get(
      '/api/v1/energy/meters/town-hall/meters-1/building/series?quantity=energy_import_kwh&from=2026-11-25T11:00:00Z&to=2026-11-25T12:00:00Z&resolution=15m&aggregate=last',
      'technician',
    );
    expect(series.json()).toEqual({
      quantity: 'energy_import_kwh',
      resolution: '15m',
      data: [
        [11, 11.25, 11.5, 11.75].map((h) => Date.UTC(2026, 10, 25, 0) / 1000 + h * 3600),
        // The last reading of each quarter is at hh:11, :26, :41, :56: 37 h 10 min after 22:01Z.
        [55.75, 56.125, 56.5, 56.875].map((v) => 1000 + v),
      ],
    });
  });
});
