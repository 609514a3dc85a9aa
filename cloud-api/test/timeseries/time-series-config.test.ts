import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ManualClock } from '@hameau/protocol';
import { createTimeSeriesStore } from '../../src/timeseries/create-time-series-store.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import { InfluxStore } from '../../src/timeseries/influx-store.js';
import {
  parseTimeSeriesConfig,
  timeSeriesConfigFromEnv,
} from '../../src/timeseries/time-series-config.js';

function problems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('time-series configuration', () => {
  it('is the embedded store by default', () => {
    expect(timeSeriesConfigFromEnv({})).toEqual({ kind: 'embedded' });
    expect(
      timeSeriesConfigFromEnv({ HAMEAU_TSDB: 'embedded', HAMEAU_TSDB_PATH: '/d/s.db' }),
    ).toEqual({
      kind: 'embedded',
      path: '/d/s.db',
    });
  });

  it('reads InfluxDB 1.x settings', () => {
    expect(
      timeSeriesConfigFromEnv({
        HAMEAU_TSDB: 'influxdb',
        HAMEAU_INFLUX_URL: 'http://127.0.0.1:8086',
        HAMEAU_INFLUX_VERSION: '1',
        HAMEAU_INFLUX_DB: 'hameau',
        HAMEAU_INFLUX_USER: 'api',
        HAMEAU_INFLUX_PASSWORD: 'pw',
      }),
    ).toEqual({
      kind: 'influxdb',
      url: 'http://127.0.0.1:8086',
      version: 1,
      database: 'hameau',
      username: 'api',
      password: 'pw',
    });
  });

  it('reads InfluxDB 2.x settings, and 3.x as the same API', () => {
    const env = {
      HAMEAU_TSDB: 'influxdb',
      HAMEAU_INFLUX_URL: 'https://influx.example',
      HAMEAU_INFLUX_ORG: 'town',
      HAMEAU_INFLUX_BUCKET: 'series',
      HAMEAU_INFLUX_TOKEN: 'tok',
    };
    const want = {
      kind: 'influxdb',
      url: 'https://influx.example',
      version: 2,
      org: 'town',
      bucket: 'series',
      token: 'tok',
    };
    expect(timeSeriesConfigFromEnv({ ...env, HAMEAU_INFLUX_VERSION: '2' })).toEqual(want);
    expect(timeSeriesConfigFromEnv({ ...env, HAMEAU_INFLUX_VERSION: '3' })).toEqual(want);
  });

  it('lists every problem at once, naming the variables, never the secrets', () => {
    const found = problems(() =>
      timeSeriesConfigFromEnv({
        HAMEAU_TSDB: 'influxdb',
        HAMEAU_INFLUX_URL: 'ftp://x',
        HAMEAU_INFLUX_VERSION: '2',
        HAMEAU_INFLUX_TOKEN: '',
        HAMEAU_INFLUX_ORG: 'town',
      }),
    );
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'HAMEAU_INFLUX_URL',
      'HAMEAU_INFLUX_BUCKET',
      'HAMEAU_INFLUX_TOKEN',
    ]);
    expect(found).toContain('HAMEAU_INFLUX_BUCKET: is not set');
  });

  it('names a wrong store kind or version', () => {
    expect(problems(() => timeSeriesConfigFromEnv({ HAMEAU_TSDB: 'mongo' }))).toEqual([
      'HAMEAU_TSDB: must be embedded or influxdb, not "mongo"',
    ]);
    expect(problems(() => timeSeriesConfigFromEnv({ HAMEAU_TSDB: 'influxdb' }))).toEqual([
      'HAMEAU_INFLUX_VERSION: must be 1, 2 or 3 (it is not set)',
      'HAMEAU_INFLUX_URL: is not set',
    ]);
  });

  it('validates a config object with its retention', () => {
    expect(
      problems(() => parseTimeSeriesConfig({ kind: 'embedded', retention: { raw: 40 }, extra: 1 })),
    ).toEqual([
      'retention.1m: must keep at least as long as raw (40 days)',
      '(root): Unrecognized key: "extra"',
    ]);
    const config = parseTimeSeriesConfig({ kind: 'embedded', retention: { raw: 2 } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(config).toEqual({
      kind: 'embedded',
      retention: { raw: 2, '1m': 30, '15m': 400, '1h': null, '1d': null },
    });
  });

  it('opens the store the config names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hameau-series-'));
    const clock = new ManualClock();
    try {
      const embedded = createTimeSeriesStore(
        { kind: 'embedded', path: join(dir, 's.sqlite') },
        { clock },
      );
      expect(embedded).toBeInstanceOf(EmbeddedStore);
      await embedded.close();
      const influx = createTimeSeriesStore(
        { kind: 'influxdb', version: 1, url: 'http://127.0.0.1:1', database: 'x' },
        { clock },
      );
      expect(influx).toBeInstanceOf(InfluxStore);
      await influx.close();
      expect(() =>
        createTimeSeriesStore({ kind: 'influxdb', version: 2, url: 'http://x' } as never, {
          clock,
        }),
      ).toThrow(ConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
