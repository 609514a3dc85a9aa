import { describe, expect, it } from 'vitest';
import { NightSoFar } from '../src/lighting/night-so-far.js';
import { TelemetryPayload } from '../src/payloads/telemetry.js';

const LIGHTING = {
  seq: 41,
  at: '2026-11-25T21:00:00.000Z',
  historical: false,
  source: 'rue-haute',
  values: { level: 60, lit: 1, expected_power_w: 112, measured_power_w: 111.9 },
};

const TONIGHT = {
  night: '2026-11-25',
  since: '2026-11-25T16:21:00.000Z',
  until: '2026-11-26T07:41:00.000Z',
  energyWh: 640.2,
  baselineWh: 843.5,
  savingsPct: 24.1,
  litHours: 4.65,
  minLevel: 60,
  coveredHours: 4.65,
};

describe('the lighting telemetry’s night so far', () => {
  it('rides on a lighting report, which older agents send without it', () => {
    expect(TelemetryPayload.parse({ ...LIGHTING, night: TONIGHT })).toEqual({
      ...LIGHTING,
      night: TONIGHT,
    });
    // An agent from before the field: still valid, and nothing is made up for it.
    expect(TelemetryPayload.parse(LIGHTING)).not.toHaveProperty('night');
  });

  it('takes null switch times and no level yet (a night the agent has barely begun)', () => {
    const bare = { ...TONIGHT, since: null, until: null, minLevel: null, coveredHours: 0 };
    expect(NightSoFar.parse(bare)).toEqual(bare);
  });

  it.each([
    ['a local date-time as night', { night: '2026-11-25T00:00' }],
    ['a switch-on with an offset', { since: '2026-11-25T17:21:00+01:00' }],
    ['negative energy', { energyWh: -1 }],
    ['a string baseline', { baselineWh: '843' }],
    ['savings above 100 %', { savingsPct: 100.5 }],
    ['more than a day lit', { litHours: 25 }],
    ['a level of 120 %', { minLevel: 120 }],
    ['an unknown field', { measuredWh: 12 }],
  ])('refuses %s', (_what, patch) => {
    const result = TelemetryPayload.safeParse({ ...LIGHTING, night: { ...TONIGHT, ...patch } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe('night');
  });

  it('refuses a night without its figures', () => {
    const partial: Partial<typeof TONIGHT> = { ...TONIGHT };
    delete partial.energyWh;
    expect(NightSoFar.safeParse(partial).success).toBe(false);
  });
});
