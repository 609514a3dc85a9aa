import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/test-database.js';
import {
  GARE_LAMPS,
  LAMPS,
  LOCKERS,
  createLightingTestApp,
  type LightingTestApp,
} from './lighting-test-app.js';

// Tonight's savings: the night so far that controllers' `lighting` telemetry carries, stored by
// the lighting domain's ingestion listener and answered by `GET /lighting/savings` beside the
// summarised nights, until switch-off or the zone's summary.

interface Figures {
  energyWh: number;
  baselineWh: number;
  savingsWh: number;
  savingsPct: number | null;
}

interface SavingsJson {
  tonight:
    | (Figures & {
        night: string;
        since: string | null;
        until: string | null;
        at: string;
        zones: {
          site: string;
          device: string;
          zone: string;
          energyWh: number;
          savingsPct: number;
          coveredHours: number;
          minLevel: number | null;
          at: string;
        }[];
      })
    | null;
  nights: { night: string }[];
}

const SWITCH_ON = '2026-11-25T16:20:00.000Z';
const SWITCH_OFF = '2026-11-26T07:40:00.000Z';
const at = (iso: string) => Date.parse(iso);

/** A zone's night so far as a controller reports it. */
const soFar = (energyWh: number, baselineWh: number, extra: Record<string, unknown> = {}) => ({
  night: '2026-11-25',
  since: SWITCH_ON,
  until: SWITCH_OFF,
  energyWh,
  baselineWh,
  savingsPct: Math.round((1000 * (baselineWh - energyWh)) / baselineWh) / 10,
  litHours: 4.5,
  minLevel: 60,
  coveredHours: 4.5,
  ...extra,
});

describe.each(DIALECTS)('tonight’s lighting savings (%s)', (dialect) => {
  let c: LightingTestApp;

  beforeAll(async () => {
    c = await createLightingTestApp(dialect);
    await c.t.clock.advanceTo(at('2026-11-25T20:50:00Z'));
    // Last night, summed up this morning.
    await c.dispatch([
      c.event('night-summary', 5, {
        zone: 'connetable',
        night: '2026-11-24',
        energyWh: 18_000,
        baselineWh: 24_000,
        savingsPct: 25,
        litHours: 15,
        minLevel: 60,
      }),
    ]);
  });
  afterAll(async () => {
    await c.close();
  });

  const savings = async (query = '') => {
    const res = await c.request<SavingsJson>('GET', `/lighting/savings${query}`, { role: null });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('has no tonight before a controller reports one, nor from reports without it', async () => {
    await c.dispatch([
      c.lightingReport('connetable', 10),
      // Logged and skipped: a source that is no zone id, a date that does not exist.
      c.lightingReport('Rue Haute', 13, soFar(1, 2)),
      c.lightingReport('lane', 14, soFar(1, 2, { night: '2026-02-30' })),
    ]);
    const body = await savings();
    expect(body.tonight).toBeNull();
    expect(body.nights.map((n) => n.night)).toEqual(['2026-11-24']);
  });

  it('sums the zones’ nights so far for the town, next to the past nights', async () => {
    const t = at('2026-11-25T20:45:00Z');
    await c.dispatch([
      c.lightingReport('connetable', 11, soFar(3_000, 4_000), { at: t }),
      c.lightingReport('lane', 12, soFar(500, 1_000), { at: t + 60_000 }),
      c.lightingReport('park', 3, soFar(200, 250, { since: '2026-11-25T16:18:00.000Z' }), {
        key: GARE_LAMPS,
        at: t,
      }),
      // A locker bank is no lighting controller: its report is not kept.
      c.lightingReport('box', 4, soFar(1, 1_000), { key: LOCKERS, at: t }),
    ]);
    const body = await savings();
    expect(body.tonight).toMatchObject({
      night: '2026-11-25',
      since: '2026-11-25T16:18:00.000Z',
      until: SWITCH_OFF,
      at: new Date(t + 60_000).toISOString(),
      energyWh: 3_700,
      baselineWh: 5_250,
      savingsWh: 1_550,
      savingsPct: 29.5,
    });
    expect(body.tonight?.zones.map((z) => `${z.site}/${z.device}/${z.zone}`)).toEqual([
      'gare/lamps-2/park',
      'ville/lamps-1/connetable',
      'ville/lamps-1/lane',
    ]);
    expect(body.tonight?.zones[1]).toMatchObject({ savingsPct: 25, coveredHours: 4.5 });
    // The summarised nights are still there, and `tonight` is not one of them.
    expect(body.nights.map((n) => n.night)).toEqual(['2026-11-24']);

    const gare = await savings('?site=gare');
    expect(gare.tonight).toMatchObject({ energyWh: 200, baselineWh: 250, savingsPct: 20 });
  });

  it('follows the newest report of each zone, whatever is replayed', async () => {
    await c.dispatch([
      c.lightingReport('connetable', 20, soFar(3_500, 5_000), { at: at('2026-11-25T20:50:00Z') }),
    ]);
    // An older report replayed from the outbox afterwards changes nothing.
    await c.dispatch([
      c.lightingReport('connetable', 9, soFar(100, 200), { at: at('2026-11-25T18:00:00Z') }),
    ]);
    const body = await savings('?site=ville');
    expect(body.tonight?.zones.find((z) => z.zone === 'connetable')?.energyWh).toBe(3_500);
    expect(body.tonight).toMatchObject({ energyWh: 4_000, baselineWh: 6_000 });
  });

  it('drops a zone once its night is summed up, and ends at switch-off', async () => {
    await c.dispatch([
      c.event('night-summary', 21, {
        zone: 'lane',
        night: '2026-11-25',
        energyWh: 1_400,
        baselineWh: 3_000,
        savingsPct: 53.3,
        litHours: 15.3,
        minLevel: 60,
      }),
    ]);
    expect((await savings('?site=ville')).tonight).toMatchObject({
      energyWh: 3_500,
      baselineWh: 5_000,
      zones: [{ zone: 'connetable' }],
    });

    // The park's report at switch-off closes its night even before its summary comes.
    await c.dispatch([
      c.lightingReport('park', 8, soFar(900, 1_200), { key: GARE_LAMPS, at: at(SWITCH_OFF) }),
    ]);
    expect((await savings('?site=gare')).tonight).toBeNull();

    await c.t.clock.advanceTo(at(SWITCH_OFF) - 1);
    expect((await savings()).tonight).not.toBeNull();
    await c.t.clock.advanceTo(at(SWITCH_OFF));
    expect((await savings()).tonight).toBeNull();
  });

  it('goes with its device', async () => {
    // The next night: the town's controller reports it, then is deleted.
    const next = { night: '2026-11-26', since: '2026-11-26T16:19:00.000Z', until: null };
    await c.t.clock.advanceTo(at('2026-11-26T20:00:00Z'));
    await c.dispatch([c.lightingReport('connetable', 30, soFar(2_000, 3_000, next))]);
    // Without a planned switch-off, a night counts while its reports are recent.
    expect((await savings('?site=ville')).tonight).toMatchObject({ night: '2026-11-26' });
    await c.t.app.hameau.devices.delete(LAMPS.site, LAMPS.device, 'test');
    expect((await savings('?site=ville')).tonight).toBeNull();
  });

  it('lets a night without a switch-off go once its reports stop', async () => {
    await c.t.app.hameau.devices.create({ ...LAMPS, kind: 'lighting' }, 'test');
    const next = { night: '2026-11-26', since: null, until: null };
    await c.dispatch([c.lightingReport('lane', 31, soFar(100, 300, next))]);
    expect((await savings()).tonight).toMatchObject({ night: '2026-11-26', since: null });
    await c.t.clock.advance(65 * 60_000);
    expect((await savings()).tonight).not.toBeNull();
    await c.t.clock.advance(1);
    expect((await savings()).tonight).toBeNull();
  });
});
