import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { apiConfigFromEnv, databaseConfigOf, parseApiConfig } from '../src/config.js';

describe('API config', () => {
  it('has defaults for a single-machine town', () => {
    const config = apiConfigFromEnv({});
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 8080,
      dataDir: resolve('./data'),
      adminTokenFile: resolve('./data/admin-token'),
      trustProxy: false,
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

  it('ignores empty variables', () => {
    expect(apiConfigFromEnv({ HAMEAU_API_PORT: '', DATABASE_URL: '' }).port).toBe(8080);
  });

  it('refuses unknown keys in a programmatic config', () => {
    expect(() => parseApiConfig({ prot: 1 })).toThrow(ConfigError);
  });
});
