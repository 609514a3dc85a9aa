import { describe, expect, it } from 'vitest';
import { DEFAULT_METER_HEALTH_STREAM, hardwareOf } from '../../src/devices/running-config.js';

describe('hardwareOf: meters and boards named by a configuration', () => {
  it('reads meter models, the health stream and every bus’s boards', () => {
    const hardware = hardwareOf({
      modules: {
        metering: {
          healthStream: 'sante-compteurs',
          buses: [
            { id: 'a', meters: [{ id: 'general', model: 'sdm630', unitId: 1 }] },
            { id: 'b', meters: [{ id: 'pv', model: 'sdm120', unitId: 1 }] },
          ],
        },
        locker: {
          buses: [
            { id: 'main', boards: [0, 1] },
            { id: 'aux', boards: [3] },
          ],
        },
        lighting: { zones: [] },
      },
    });
    expect([...hardware.meterModels]).toEqual([
      ['general', 'sdm630'],
      ['pv', 'sdm120'],
    ]);
    expect(hardware.meterHealthStream).toBe('sante-compteurs');
    expect(hardware.boards).toEqual([
      { bus: 'main', address: 0 },
      { bus: 'main', address: 1 },
      { bus: 'aux', address: 3 },
    ]);
  });

  it('names nothing from a part that does not match, and still reads the others', () => {
    const hardware = hardwareOf({
      modules: {
        metering: { buses: [{ id: 'a', meters: [{ id: 'general' }] }] },
        locker: { buses: [{ id: 'main', boards: [2] }] },
      },
    });
    expect(hardware.meterModels.size).toBe(0);
    expect(hardware.meterHealthStream).toBe(DEFAULT_METER_HEALTH_STREAM);
    expect(hardware.boards).toEqual([{ bus: 'main', address: 2 }]);
  });

  it('keeps the default health stream when the configured one is not a stream name', () => {
    const hardware = hardwareOf({
      modules: {
        metering: {
          healthStream: 'Not A Stream',
          buses: [{ id: 'a', meters: [{ id: 'general', model: 'sdm630' }] }],
        },
      },
    });
    expect(hardware.meterHealthStream).toBe(DEFAULT_METER_HEALTH_STREAM);
    expect([...hardware.meterModels]).toEqual([['general', 'sdm630']]);
  });

  it('names nothing for a configuration without modules, or not an object', () => {
    for (const config of [{}, { modules: 'none' }, null, []]) {
      const hardware = hardwareOf(config);
      expect(hardware.meterModels.size).toBe(0);
      expect(hardware.boards).toEqual([]);
    }
  });
});
