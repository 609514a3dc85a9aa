import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/test-database.js';
import {
  GARE_LAMPS,
  TOWN,
  createLightingTestApp,
  type LightingJson,
  type LightingTestApp,
} from './lighting-test-app.js';

interface LevelsJson {
  zones: { zone: string; name: string; level: number }[];
}

describe.each(DIALECTS)('the levels route names each zone (%s)', (dialect) => {
  let c: LightingTestApp;

  beforeAll(async () => {
    c = await createLightingTestApp(dialect);
  });
  afterAll(async () => {
    await c.close();
  });

  const names = async () => {
    const res = await c.request<LevelsJson>('GET', c.url('/levels'));
    expect(res.status).toBe(200);
    return Object.fromEntries(res.body.zones.map((z) => [z.zone, z.name]));
  };
  const levelOf = (zone: string, seq: number) =>
    c.event('level-changed', seq, { zone, level: 60, mode: 'program', reasons: [] });
  const put = async (section: Record<string, unknown>) => {
    const res = await c.request<LightingJson>('PUT', c.url(), { body: section });
    expect(res.status).toBe(200);
    return res.body.version;
  };

  it('by its name in the desired configuration, its id when none names it', async () => {
    await c.dispatch([levelOf('connetable', 1), levelOf('lane', 2), levelOf('old-lane', 3)]);
    expect(await names()).toEqual({
      connetable: 'connetable',
      lane: 'lane',
      'old-lane': 'old-lane',
    });

    const v1 = await put({
      ...TOWN,
      zones: [...TOWN.zones, { id: 'old-lane', name: 'Vieux chemin', class: 'P5' }],
    });
    expect(await names()).toEqual({
      connetable: 'Rue du Connétable',
      lane: 'Chemin des Aigles',
      'old-lane': 'Vieux chemin',
    });

    // The controller runs v1; v2 renames a zone and deletes another.
    await c.dispatch([c.reported(v1)]);
    const renamed = { ...TOWN.zones[0], name: 'Rue du Connétable (centre)' };
    await put({ ...TOWN, zones: [renamed, TOWN.zones[1]] });
    expect(await names()).toEqual({
      // The newest name, before the controller even runs it…
      connetable: 'Rue du Connétable (centre)',
      lane: 'Chemin des Aigles',
      // …and for a zone it no longer lists, the name of the version the controller runs.
      'old-lane': 'Vieux chemin',
    });
  });

  it('never by another controller’s configuration', async () => {
    await c.dispatch([
      c.event(
        'level-changed',
        1,
        { zone: 'connetable', level: 40, mode: 'program', reasons: [] },
        { key: GARE_LAMPS },
      ),
    ]);
    const res = await c.request<LevelsJson>('GET', c.url('/levels', GARE_LAMPS));
    expect(res.body.zones).toMatchObject([{ zone: 'connetable', name: 'connetable', level: 40 }]);
  });
});
