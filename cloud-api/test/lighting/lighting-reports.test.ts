import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/test-database.js';
import {
  GARE_LAMPS,
  LAMPS,
  LOCKERS,
  createLightingTestApp,
  type ErrorJson,
  type LightingTestApp,
} from './lighting-test-app.js';

interface LevelsJson {
  zones: {
    zone: string;
    name: string;
    level: number;
    mode: string;
    reasons: string[];
    at: string;
  }[];
}

interface SavingsJson {
  from: string | null;
  to: string | null;
  nights: {
    night: string;
    energyWh: number;
    baselineWh: number;
    savingsWh: number;
    savingsPct: number | null;
    zones: {
      site: string;
      device: string;
      zone: string;
      savingsPct: number;
      minLevel: number | null;
    }[];
  }[];
  total: { energyWh: number; baselineWh: number; savingsWh: number; savingsPct: number | null };
}

const TRACE = [
  'astro: night (sunset 17:19 +0 min, until sunrise 08:38 +0 min)',
  "calendar: rule 'weekday' → program 'standard' step until 05:30 → 60 %",
];

/** A night summary as the controller sends it. */
const night = (night: string, energyWh: number, baselineWh: number, extra = {}) => ({
  night,
  energyWh,
  baselineWh,
  savingsPct: Math.round((1000 * (baselineWh - energyWh)) / baselineWh) / 10,
  litHours: 14.5,
  minLevel: 60,
  ...extra,
});

describe.each(DIALECTS)('lighting levels and savings (%s)', (dialect) => {
  let c: LightingTestApp;

  beforeAll(async () => {
    c = await createLightingTestApp(dialect);
  });
  afterAll(async () => {
    await c.close();
  });

  const levels = async () => {
    const res = await c.request<LevelsJson>('GET', c.url('/levels'));
    expect(res.status).toBe(200);
    return res.body.zones;
  };

  it('keeps the latest level of each zone with its reason trace, whatever the replays', async () => {
    const t0 = c.t.clock.now();
    const batch = [
      c.event(
        'level-changed',
        10,
        { level: 100, mode: 'program', reasons: ['astro: night'] },
        {
          subject: 'connetable',
          at: t0,
        },
      ),
      c.event(
        'level-changed',
        11,
        { zone: 'connetable', level: 60, mode: 'program', reasons: TRACE },
        {
          at: t0 + 60_000,
        },
      ),
      c.event(
        'level-changed',
        12,
        { zone: 'lane', level: 0, mode: 'off', reasons: [] },
        {
          at: t0 + 60_000,
        },
      ),
    ];
    await c.dispatch(batch);
    // No configuration names the zones yet: their ids stand in.
    const expected = [
      {
        zone: 'connetable',
        name: 'connetable',
        level: 60,
        mode: 'program',
        reasons: TRACE,
        at: new Date(t0 + 60_000).toISOString(),
      },
      {
        zone: 'lane',
        name: 'lane',
        level: 0,
        mode: 'off',
        reasons: [],
        at: new Date(t0 + 60_000).toISOString(),
      },
    ];
    expect(await levels()).toEqual(expected);

    // The same batch again (after a crash), and the older event alone (an outbox replay).
    await c.dispatch(batch);
    await c.dispatch(batch.slice(0, 1));
    expect(await levels()).toEqual(expected);

    // A newer one wins.
    await c.dispatch([
      c.event('level-changed', 13, {
        zone: 'lane',
        level: 80,
        mode: 'override',
        reasons: ["override 'x'"],
      }),
    ]);
    expect((await levels()).find((l) => l.zone === 'lane')).toMatchObject({
      level: 80,
      mode: 'override',
    });
  });

  it('skips events it cannot use, and other devices’ events', async () => {
    const before = await levels();
    await c.dispatch([
      // No zone anywhere; a level out of range; from a locker bank; from an unknown device.
      c.event('level-changed', 20, { level: 50, mode: 'program', reasons: [] }),
      c.event('level-changed', 21, { zone: 'lane', level: 150, mode: 'program', reasons: [] }),
      c.event(
        'level-changed',
        22,
        { zone: 'lane', level: 1, mode: 'program', reasons: [] },
        { key: LOCKERS },
      ),
      c.event(
        'level-changed',
        23,
        { zone: 'lane', level: 1, mode: 'program', reasons: [] },
        {
          key: { site: 'ville', device: 'ghost' },
        },
      ),
      c.event('night-summary', 24, {
        zone: 'lane',
        night: 'yesterday',
        energyWh: 1,
        baselineWh: 2,
      }),
      // An event type the lighting does not keep.
      c.event('lamp-failed', 25, { zone: 'lane' }),
    ]);
    expect(await levels()).toEqual(before);
    const savings = await c.request<SavingsJson>('GET', '/lighting/savings', { role: null });
    expect(savings.body.nights).toEqual([]);
  });

  it('answers 404 for the levels of a device that is not a lighting controller', async () => {
    const res = await c.request<ErrorJson>('GET', c.url('/levels', LOCKERS));
    expect(res.body.error.code).toBe('LIGHTING_CONTROLLER_NOT_FOUND');
    expect((await c.request('GET', c.url('/levels'), { role: 'resident' })).status).toBe(403);
  });

  it('has no savings before any night is summarised', async () => {
    const res = await c.request<SavingsJson>('GET', '/lighting/savings', { role: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tonight: null,
      from: null,
      to: null,
      nights: [],
      total: { energyWh: 0, baselineWh: 0, savingsWh: 0, savingsPct: null },
    });
  });

  it('publishes the nights’ savings, per zone and for the town, to anyone', async () => {
    const batch = [
      c.event('night-summary', 30, night('2026-11-23', 9_000, 24_000), { subject: 'connetable' }),
      c.event('night-summary', 31, { zone: 'lane', ...night('2026-11-23', 1_000, 6_000) }),
      c.event('night-summary', 32, { zone: 'connetable', ...night('2026-11-24', 10_000, 24_000) }),
      c.event('night-summary', 33, {
        zone: 'lane',
        ...night('2026-11-24', 0, 6_000, { minLevel: null }),
      }),
      c.event(
        'night-summary',
        7,
        { zone: 'park', ...night('2026-11-24', 2_000, 4_000) },
        { key: GARE_LAMPS },
      ),
    ];
    await c.dispatch(batch);
    await c.dispatch(batch);

    const res = await c.request<SavingsJson>('GET', '/lighting/savings', { role: null });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const body = res.body;
    // The last seven nights up to the latest summarised.
    expect([body.from, body.to]).toEqual(['2026-11-18', '2026-11-24']);
    expect(body.nights.map((n) => n.night)).toEqual(['2026-11-23', '2026-11-24']);
    const [first, latest] = body.nights;
    expect(first).toMatchObject({
      energyWh: 10_000,
      baselineWh: 30_000,
      savingsWh: 20_000,
      savingsPct: 66.7,
    });
    // "Tonight's savings against full power": the latest night, the town's three zones.
    expect(latest).toMatchObject({
      energyWh: 12_000,
      baselineWh: 34_000,
      savingsWh: 22_000,
      savingsPct: 64.7,
    });
    expect(latest?.zones.map((z) => `${z.site}/${z.device}/${z.zone}`)).toEqual([
      'gare/lamps-2/park',
      'ville/lamps-1/connetable',
      'ville/lamps-1/lane',
    ]);
    expect(latest?.zones.find((z) => z.zone === 'lane')).toMatchObject({
      savingsPct: 100,
      minLevel: null,
    });
    expect(body.total).toEqual({
      energyWh: 22_000,
      baselineWh: 64_000,
      savingsWh: 42_000,
      savingsPct: 65.6,
    });
  });

  it('reads a range of nights and one site, and bounds the range', async () => {
    const one = await c.request<SavingsJson>(
      'GET',
      '/lighting/savings?from=2026-11-24&to=2026-11-24&site=ville',
      {
        role: null,
      },
    );
    expect(one.body.nights).toHaveLength(1);
    expect(one.body.total).toMatchObject({ energyWh: 10_000, baselineWh: 30_000 });

    const gare = await c.request<SavingsJson>('GET', '/lighting/savings?site=gare', { role: null });
    expect(gare.body.nights.map((n) => n.night)).toEqual(['2026-11-24']);

    const backwards = await c.request<ErrorJson>(
      'GET',
      '/lighting/savings?from=2026-11-24&to=2026-11-01',
      {
        role: null,
      },
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details?.issues[0]?.path).toBe('querystring.from');
    const long = await c.request<ErrorJson>(
      'GET',
      '/lighting/savings?from=2020-01-01&to=2026-11-24',
      {
        role: null,
      },
    );
    expect(long.status).toBe(400);
    const bad = await c.request<ErrorJson>('GET', '/lighting/savings?from=2026-02-30', {
      role: null,
    });
    expect(bad.status).toBe(400);
  });

  it('replaces a night summarised again by a later event, not by a replayed older one', async () => {
    await c.dispatch([
      c.event('night-summary', 40, { zone: 'lane', ...night('2026-11-24', 600, 6_000) }),
    ]);
    await c.dispatch([
      c.event('night-summary', 33, {
        zone: 'lane',
        ...night('2026-11-24', 0, 6_000, { minLevel: null }),
      }),
    ]);
    const res = await c.request<SavingsJson>(
      'GET',
      '/lighting/savings?from=2026-11-24&site=ville',
      {
        role: null,
      },
    );
    expect(res.body.nights[0]?.zones.find((z) => z.zone === 'lane')).toMatchObject({
      savingsPct: 90,
      minLevel: 60,
    });
    // The device goes: its nights go with it.
    await c.t.app.hameau.devices.delete(LAMPS.site, LAMPS.device, 'test');
    const after = await c.request<SavingsJson>('GET', '/lighting/savings', { role: null });
    expect(after.body.total.energyWh).toBe(2_000);
  });
});
