import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { HALL, MINUTE, reading, SCHOOL } from './energy-kit.js';

/** The app's clock reads 2026-11-25T12:00Z (createTestApp). */
const NOW = Date.UTC(2026, 10, 25, 12);
const DAY = 24 * 60 * MINUTE;

// "Power now" reads only the last day of readings (so InfluxDB is not asked for every meter's
// whole history): a meter silent for longer is off the air, neither fresh nor stale, and the
// meters list still shows when it was last heard.
describe('power now looks back one day', () => {
  let t: TestApp;
  let store: EmbeddedStore;

  beforeAll(async () => {
    store = new EmbeddedStore({
      path: ':memory:',
      clock: new ManualClock(NOW),
      retentionIntervalMs: null,
    });
    t = await createTestApp({ options: { timeSeries: store } });
    await store.write([
      reading(HALL, NOW - MINUTE, { power_w: 1500 }),
      // Silent for two days: its last value must not count, not even as stale.
      reading(SCHOOL, NOW - 2 * DAY, { power_w: 750 }),
    ]);
    for (const m of [HALL, SCHOOL]) {
      await t.app.hameau.devices.create({ site: m.site, device: m.device, kind: 'meters' }, 'test');
    }
  });
  afterAll(async () => {
    await t.close();
    await store.close();
  });

  it('leaves a meter silent for two days out of the figure and of the stale count', async () => {
    const now = (await t.app.inject({ method: 'GET', url: '/api/v1/energy/now' })).json<{
      consumptionW: number;
      meters: { fresh: number; stale: number };
    }>();
    expect(now.consumptionW).toBe(1500);
    expect(now.meters).toEqual({ fresh: 1, stale: 0 });
  });

  it('still lists that meter with when it was last heard', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/energy/meters',
      headers: t.as('technician'),
    });
    const school = res
      .json<{ meters: { site: string; lastSeenAt: string | null }[] }>()
      .meters.find((m) => m.site === SCHOOL.site);
    expect(school?.lastSeenAt).toBe(new Date(NOW - 2 * DAY).toISOString());
  });
});
