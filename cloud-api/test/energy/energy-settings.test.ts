import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import {
  DEFAULT_ENERGY_SETTINGS,
  DEFAULT_GRID_SHARE_SOURCE,
  energySettingsFromEnv,
} from '../../src/energy/energy-settings.js';

describe('energy settings', () => {
  it('defaults to Paris and a 25 % grid share, documented as a default', () => {
    expect(energySettingsFromEnv({})).toEqual(DEFAULT_ENERGY_SETTINGS);
    expect(DEFAULT_ENERGY_SETTINGS).toMatchObject({
      timeZone: 'Europe/Paris',
      gridRenewableShare: 0.25,
      gridRenewableShareSource: DEFAULT_GRID_SHARE_SOURCE,
      staleAfterSeconds: 300,
    });
    expect(Object.isFrozen(DEFAULT_ENERGY_SETTINGS)).toBe(true);
  });

  it('reads the environment; a configured share no longer claims to be the default', () => {
    const settings = energySettingsFromEnv({
      HAMEAU_GRID_RENEWABLE_SHARE: '0.4',
      HAMEAU_TOWN_TIME_ZONE: 'Europe/Brussels',
    });
    expect(settings.gridRenewableShare).toBe(0.4);
    expect(settings.timeZone).toBe('Europe/Brussels');
    expect(settings.gridRenewableShareSource).toMatch(/HAMEAU_GRID_RENEWABLE_SHARE/);
  });

  it('reports every problem at once, by variable', () => {
    let error: unknown;
    try {
      energySettingsFromEnv({
        HAMEAU_GRID_RENEWABLE_SHARE: '25',
        HAMEAU_TOWN_TIME_ZONE: 'Paris',
        HAMEAU_ENERGY_STALE_AFTER_S: 'soon',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(problems.sort()).toEqual([
      'HAMEAU_ENERGY_STALE_AFTER_S',
      'HAMEAU_GRID_RENEWABLE_SHARE',
      'HAMEAU_TOWN_TIME_ZONE',
    ]);
  });
});
