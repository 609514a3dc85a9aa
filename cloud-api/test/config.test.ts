import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { apiConfigFromEnv, databaseConfigOf, parseApiConfig } from '../src/config.js';
import { DEFAULT_ENERGY_SETTINGS } from '../src/energy/energy-settings.js';

describe('API config', () => {
  it('has defaults for a single-machine town', () => {
    const config = apiConfigFromEnv({});
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 8080,
      dataDir: resolve('./data'),
      adminTokenFile: resolve('./data/admin-token'),
      trustProxy: false,
      timeSeries: { kind: 'embedded' },
      energy: DEFAULT_ENERGY_SETTINGS,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(databaseConfigOf(config)).toEqual({
      dialect: 'sqlite',
      file: join(resolve('./data'), 'hameau.sqlite'),
    });
  });

  it('reads every variable', () => {
    const config = apiConfigFromEnv({
      HAMEAU_API_HOST: '127.0.0.1',
      HAMEAU_API_PORT: '9090',
      HAMEAU_DATA_DIR: '/var/lib/hameau',
      DATABASE_URL: 'postgres://hameau:pw@db:5432/hameau',
      HAMEAU_ADMIN_TOKEN_FILE: '/run/secrets/admin',
      HAMEAU_API_TRUST_PROXY: 'true',
    });
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 9090,
      dataDir: '/var/lib/hameau',
      databaseUrl: 'postgres://hameau:pw@db:5432/hameau',
      adminTokenFile: '/run/secrets/admin',
      trustProxy: true,
      timeSeries: { kind: 'embedded' },
      energy: DEFAULT_ENERGY_SETTINGS,
    });
    expect(databaseConfigOf(config)).toEqual({
      dialect: 'postgres',
      url: 'postgres://hameau:pw@db:5432/hameau',
    });
  });

  it('names every bad variable at once, without echoing the database URL', () => {
    const err = (() => {
      try {
        apiConfigFromEnv({
          HAMEAU_API_PORT: '80000',
          DATABASE_URL: 'mysql://root:topsecret@db/x',
          HAMEAU_API_TRUST_PROXY: 'maybe',
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as ConfigError).message;
    expect(message).toContain('HAMEAU_API_PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('HAMEAU_API_TRUST_PROXY');
    expect(message).not.toContain('topsecret');
  });

  it('turns the MQTT side on with HAMEAU_MQTT_URL, with defaults for the rest', () => {
    const config = apiConfigFromEnv({
      HAMEAU_MQTT_URL: 'mqtt://broker:1883',
      HAMEAU_MQTT_PASSWORD_FILE: '/run/secrets/mqtt',
      HAMEAU_INGEST_BATCH_MAX: '2000',
      HAMEAU_TSDB: 'influxdb',
      HAMEAU_INFLUX_URL: 'http://influx:8086',
      HAMEAU_INFLUX_VERSION: '1',
      HAMEAU_INFLUX_DB: 'hameau',
    });
    expect(config.mqtt).toEqual({
      url: 'mqtt://broker:1883',
      username: 'cloud',
      passwordFile: '/run/secrets/mqtt',
      clientId: 'cloud:api',
      batchMaxMessages: 2000,
      batchMaxDelayMs: 100,
      ackIntervalMs: 200,
    });
    expect(
      apiConfigFromEnv({ HAMEAU_MQTT_URL: 'mqtt://b', HAMEAU_INGEST_ACK_MS: '50' }).mqtt
        ?.ackIntervalMs,
    ).toBe(50);
    expect(config.timeSeries).toEqual({
      kind: 'influxdb',
      url: 'http://influx:8086',
      version: 1,
      database: 'hameau',
    });
    expect(apiConfigFromEnv({}).mqtt).toBeUndefined();
  });

  it('names every bad MQTT and time-series variable together with the others', () => {
    let err: unknown;
    try {
      apiConfigFromEnv({
        HAMEAU_API_PORT: 'x',
        HAMEAU_MQTT_URL: 'http://broker',
        HAMEAU_INGEST_BATCH_DELAY_MS: '-1',
        HAMEAU_INGEST_ACK_MS: 'soon',
        HAMEAU_TSDB: 'influxdb',
        HAMEAU_INFLUX_VERSION: '1',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const name of [
      'HAMEAU_API_PORT',
      'HAMEAU_MQTT_URL',
      'HAMEAU_INGEST_BATCH_DELAY_MS',
      'HAMEAU_INGEST_ACK_MS',
      'HAMEAU_INFLUX_URL',
      'HAMEAU_INFLUX_DB',
    ]) {
      expect(problems).toContain(name);
    }
    expect(() => apiConfigFromEnv({ HAMEAU_MQTT_USERNAME: 'cloud' })).toThrow(/HAMEAU_MQTT_URL/);
  });

  it('reads the energy settings, and names a bad one with the others', () => {
    const config = apiConfigFromEnv({
      HAMEAU_TOWN_TIME_ZONE: 'Europe/Brussels',
      HAMEAU_GRID_RENEWABLE_SHARE: '0.4',
    });
    expect(config.energy).toMatchObject({ timeZone: 'Europe/Brussels', gridRenewableShare: 0.4 });
    expect(() =>
      apiConfigFromEnv({ HAMEAU_API_PORT: 'x', HAMEAU_GRID_RENEWABLE_SHARE: '7' }),
    ).toThrow(
      /HAMEAU_API_PORT[\s\S]*HAMEAU_GRID_RENEWABLE_SHARE|HAMEAU_GRID_RENEWABLE_SHARE[\s\S]*HAMEAU_API_PORT/,
    );
  });

  it('ignores empty variables', () => {
    expect(apiConfigFromEnv({ HAMEAU_API_PORT: '', DATABASE_URL: '' }).port).toBe(8080);
  });

  it('refuses unknown keys in a programmatic config', () => {
    expect(() => parseApiConfig({ prot: 1 })).toThrow(ConfigError);
  });
});
