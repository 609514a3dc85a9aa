import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { InfluxStore } from '../../src/timeseries/influx-store.js';
import { startInfluxd, type Influxd } from './influxd-process.js';
import { describeStoreBehaviour, point, T0 } from './store-behaviour.js';

// A real InfluxDB 1.x (Debian's influxd), started for this file on ephemeral ports. Without the
// package installed this fails, with the install hint, rather than skipping.
let influxd: Influxd;
beforeAll(async () => {
  influxd = await startInfluxd();
});
afterAll(async () => {
  await influxd.stop();
});

/** A store on a database of its own, dropped by cleanup. */
async function openStore(clock: ManualClock) {
  const database = `t_${randomBytes(6).toString('hex')}`;
  await influxd.admin(`CREATE DATABASE "${database}"`);
  const store = new InfluxStore({ version: 1, url: influxd.url, database }, { clock, retries: 0 });
  return {
    store,
    database,
    async cleanup() {
      await store.close();
      await influxd.admin(`DROP DATABASE "${database}"`);
    },
  };
}

describeStoreBehaviour('InfluxDB 1.x', openStore);

describe('InfluxDB 1.x specifics', () => {
  it('stores seq as an integer field and the readings as floats', async () => {
    const opened = await openStore(new ManualClock());
    try {
      await opened.store.write([point('m1', T0, { power_w: 5, seq: 12 })]);
      const response = await fetch(
        `${influxd.url}/query?db=${opened.database}&q=${encodeURIComponent('SHOW FIELD KEYS')}`,
      );
      expect(await response.json()).toMatchObject({
        results: [
          {
            series: [
              {
                values: [
                  ['power_w', 'float'],
                  ['seq', 'integer'],
                ],
              },
            ],
          },
        ],
      });
    } finally {
      await opened.cleanup();
    }
  });

  it('reports what InfluxDB said when it refuses a write, without retrying', async () => {
    const opened = await openStore(new ManualClock());
    try {
      // A string field makes the float that follows a type conflict, which InfluxDB refuses.
      const seed = await fetch(`${influxd.url}/write?db=${opened.database}&precision=ms`, {
        method: 'POST',
        body: `energy,source=m1 p="text" ${T0}`,
      });
      expect(seed.status).toBe(204);
      const error = await opened.store.write([point('m1', T0 + 1, { p: 1 })]).then(
        () => null,
        (err: unknown) => err as { code: string; message: string; details: { status: number } },
      );
      expect(error?.code).toBe('TSDB_REJECTED');
      expect(error?.details.status).toBe(400);
      expect(error?.message).toMatch(/field type conflict/);
    } finally {
      await opened.cleanup();
    }
  });

  it('reports a query on a database that does not exist', async () => {
    const store = new InfluxStore(
      { version: 1, url: influxd.url, database: 'no_such_database' },
      { clock: new ManualClock(), retries: 0 },
    );
    await expect(store.latest('energy', 'p')).rejects.toMatchObject({
      code: 'TSDB_REJECTED',
      message: expect.stringContaining('database not found') as string,
    });
  });
});
