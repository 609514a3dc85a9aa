import {
  LightingControlConfigSchema,
  LightingController,
  LightingOverrideSchema,
} from '@hameau/edge-agent';
import { describe, expect, it } from 'vitest';
import { ViolationChecker } from '../../src/lighting-sim/violation-checker.js';

const MINUTE_MS = 60_000;
// PyEphem (fixtures/sun-chantilly-2026.csv): 2026-01-15 sunset 16:19:50Z; 2026-01-16 sunrise
// about 07:38:40Z (the 15th's is 07:39:33Z, a minute later).
const SUNSET = Date.parse('2026-01-15T16:19:50Z');
const at = (iso: string) => Date.parse(iso);

const config = LightingControlConfigSchema.parse({
  programs: [
    {
      id: 'standard',
      steps: [{ level: 100, until: '23:00' }, { level: 60, until: '05:30' }, { level: 80 }],
    },
  ],
  defaultProgram: 'standard',
  classMinimums: { M4: 35 },
  zones: [
    { id: 'road', name: 'Road', class: 'M3', lamps: [{ count: 10, ratedW: 60 }] },
    { id: 'street', name: 'Street', class: 'M4', lamps: [{ count: 10, ratedW: 40 }] },
    {
      id: 'lane',
      name: 'Lane',
      class: 'P5',
      switchOn: { at: 'sunset', offsetMinutes: 60 },
      lamps: [{ count: 4, ratedW: 25 }],
    },
  ],
});

const overrides = [
  LightingOverrideSchema.parse({
    id: 'star-party',
    zones: ['road'],
    level: 0,
    start: '2026-01-15T20:00:00Z',
    expiresAt: '2026-01-15T21:00:00Z',
    issuedAt: '2026-01-15T19:00:00Z',
  }),
  LightingOverrideSchema.parse({
    id: 'lamp-test',
    zones: 'all',
    level: 100,
    start: '2026-01-15T10:00:00Z',
    expiresAt: '2026-01-15T10:15:00Z',
    rampSeconds: 60,
    issuedAt: '2026-01-15T09:55:00Z',
  }),
];

describe('ViolationChecker fed decisions directly', () => {
  it('catches each kind of violation in a bad decision stream, and passes the good ones', () => {
    const checker = new ViolationChecker(config, overrides);
    const stream: [zone: string, iso: string, level: number, expected: string[]][] = [
      ['road', '2026-01-15T19:00:00Z', 100, []],
      ['road', '2026-01-15T19:01:00Z', 39, ['below-minimum']], // M3: 40 %
      ['road', '2026-01-15T19:02:00Z', 40, []],
      ['street', '2026-01-15T19:03:00Z', 30, ['below-minimum']], // the config's M4: 35 %
      ['street', '2026-01-15T19:04:00Z', 0, ['off-at-night']],
      ['road', '2026-01-15T20:30:00Z', 0, []], // the star-party override says off
      ['street', '2026-01-15T20:30:00Z', 0, ['off-at-night']], // …not here
      ['road', '2026-01-15T21:00:00Z', 0, ['off-at-night']], // expired
      ['road', '2026-01-15T13:00:00Z', 60, ['lit-by-day']],
      ['road', '2026-01-15T13:01:00Z', 10, ['below-minimum', 'lit-by-day']],
      ['road', '2026-01-15T10:05:00Z', 100, []], // the lamp test lights by day
      ['street', '2026-01-15T10:15:30Z', 50, []], // …ramping back
      ['street', '2026-01-15T10:16:00Z', 50, ['lit-by-day']], // …and done
      ['road', '2026-01-16T09:00:00Z', 80, ['lit-by-day']], // an hour after sunrise
      ['road', '2026-01-15T14:00:00Z', 0, []],
    ];
    for (const [zone, iso, level, expected] of stream) {
      expect([zone, iso, checker.check(zone, at(iso), level)]).toEqual([zone, iso, expected]);
    }
    expect(checker.counts).toEqual({ 'below-minimum': 3, 'off-at-night': 3, 'lit-by-day': 4 });
    expect(checker.total).toBe(10);
  });

  it('gives two minutes of slack around the switch times, not more', () => {
    const checker = new ViolationChecker(config, []);
    expect(checker.check('road', SUNSET + MINUTE_MS, 0)).toEqual([]);
    expect(checker.check('road', SUNSET - MINUTE_MS, 100)).toEqual([]);
    expect(checker.check('road', SUNSET + 5 * MINUTE_MS, 0)).toEqual(['off-at-night']);
    expect(checker.check('road', SUNSET - 5 * MINUTE_MS, 100)).toEqual(['lit-by-day']);
  });

  it("follows a zone's own switch rules", () => {
    const checker = new ViolationChecker(config, []);
    // The lane switches on an hour after sunset: off at sunset + 30 min is right there only.
    expect(checker.check('lane', SUNSET + 30 * MINUTE_MS, 0)).toEqual([]);
    expect(checker.check('road', SUNSET + 30 * MINUTE_MS, 0)).toEqual(['off-at-night']);
    expect(checker.check('lane', SUNSET + 30 * MINUTE_MS, 60)).toEqual(['lit-by-day']);
    expect(checker.isNight('lane', SUNSET + 61 * MINUTE_MS)).toBe(true);
  });

  it('rejects a zone it does not know', () => {
    const checker = new ViolationChecker(config, []);
    expect(() => checker.check('nowhere', SUNSET, 50)).toThrow(/unknown zone "nowhere"/);
  });
});

describe('ViolationChecker against a sabotaged controller', () => {
  const controller = new LightingController(config);
  /** One night of one zone, minute by minute, through a tampering function. */
  function night(zone: string, tamper: (t: number) => { t: number; scale: number }): number {
    const checker = new ViolationChecker(config, []);
    for (let t = at('2026-01-15T12:00:00Z'); t < at('2026-01-16T12:00:00Z'); t += MINUTE_MS) {
      const { t: seen, scale } = tamper(t);
      checker.check(zone, t, Math.round(controller.decide(zone, {}, seen).level * scale));
    }
    return checker.total;
  }

  it('the honest controller breaks nothing', () => {
    expect(night('road', (t) => ({ t, scale: 1 }))).toBe(0);
    expect(night('lane', (t) => ({ t, scale: 1 }))).toBe(0);
  });

  it('a clock 20 minutes slow shows as lamps lit by day and off at night', () => {
    // Late by 20 min: dark 20 min too long after dusk, lit 20 min too long after dawn;
    // 2 min of each is the checker's slack.
    expect(night('road', (t) => ({ t: t - 20 * MINUTE_MS, scale: 1 }))).toBe(2 * 18);
  });

  it('levels halved after the controller clamped them show as under the minimum', () => {
    // 60 % after 23:00 halves to 30 %, under M3's 40 %; 100 % and 80 % halve to 50 and 40.
    const broken = night('road', (t) => ({ t, scale: 0.5 }));
    const sixty = (at('2026-01-16T04:30:00Z') - at('2026-01-15T22:00:00Z')) / MINUTE_MS;
    expect(broken).toBe(sixty);
  });
});
