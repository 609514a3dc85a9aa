import { describe, expect, it } from 'vitest';
import { DEFAULT_DIMMING_CURVE } from '../../../../src/modules/lighting/control/dimming-curve.js';
import { DEFAULT_CLASS_MINIMUMS } from '../../../../src/modules/lighting/control/lighting-class.js';
import { LightingControlConfigSchema } from '../../../../src/modules/lighting/control/lighting-control-config.js';
import { LightingEventSchema } from '../../../../src/modules/lighting/control/lighting-event.js';
import { LightingOverrideSchema } from '../../../../src/modules/lighting/control/lighting-override.js';
import { WeatherInputSchema } from '../../../../src/modules/lighting/control/weather-adjustment.js';

/** `path: message` of each issue, or [] when the input is valid. */
function problems(
  schema: {
    safeParse(v: unknown): {
      success: boolean;
      error?: { issues: { path: PropertyKey[]; message: string }[] };
    };
  },
  input: unknown,
): string[] {
  const result = schema.safeParse(input);
  return (result.error?.issues ?? []).map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}

const zone = (id: string, extra: object = {}) => ({
  id,
  name: `Zone ${id}`,
  class: 'M4',
  ...extra,
});

describe('the lighting control configuration', () => {
  it('has a default for everything but the zones: Chantilly, all night at 100 %', () => {
    const config = LightingControlConfigSchema.parse({});
    expect(config.site).toEqual({ latitude: 49.1939, longitude: 2.4711, timeZone: 'Europe/Paris' });
    expect(config.switchOn).toEqual({ at: 'sunset', offsetMinutes: 0 });
    expect(config.switchOff).toEqual({ at: 'sunrise', offsetMinutes: 0 });
    expect(config.classMinimums).toEqual(DEFAULT_CLASS_MINIMUMS);
    expect(config.holidays).toBe('fr');
    expect(config.defaultProgram).toBe('all-night');
    expect(config.programs.map((p) => p.id)).toEqual(['all-night']);
    expect(config.weather).toEqual({
      fogRaise: 20,
      rainRaise: 20,
      snowLower: 0,
      staleMinutes: 90,
      fogVisibilityM: 1000,
    });
    expect(config.dimmingCurve).toEqual(DEFAULT_DIMMING_CURVE);
    expect(config.clockTrust).toEqual({ jumpThresholdSeconds: 120 });
    expect(config.zones).toEqual([]);
  });

  it('validates the time zone with Intl', () => {
    expect(
      problems(LightingControlConfigSchema, { site: { timeZone: 'America/New_York' } }),
    ).toEqual([]);
    expect(
      problems(LightingControlConfigSchema, { site: { timeZone: 'Europe/Chantilly' } }),
    ).toEqual(['site.timeZone: an IANA time zone, such as Europe/Paris']);
    expect(problems(LightingControlConfigSchema, { site: { latitude: 91 } })).toEqual([
      'site.latitude: latitude: -90 to 90',
    ]);
  });

  it('merges class minimums onto the defaults and rejects unknown classes', () => {
    const config = LightingControlConfigSchema.parse({ classMinimums: { M4: 35 } });
    expect(config.classMinimums).toEqual({ ...DEFAULT_CLASS_MINIMUMS, M4: 35 });
    expect(problems(LightingControlConfigSchema, { classMinimums: { M4: 0 } })).toEqual([
      'classMinimums.M4: a class minimum must be 1-100 % (a lit lamp is at least 1 %)',
    ]);
    expect(problems(LightingControlConfigSchema, { classMinimums: { M7: 20 } }).length).toBe(1);
    expect(problems(LightingControlConfigSchema, { zones: [zone('a', { class: 'C2' })] })).toEqual([
      'zones.0.class: a lighting class: M1-M6 (roads) or P1-P6 (pedestrian areas)',
    ]);
  });

  it('checks every reference between programs, rules, zones and events', () => {
    const found = problems(LightingControlConfigSchema, {
      programs: [{ id: 'standard', steps: [{ level: 100 }] }],
      calendar: [
        { name: 'weekend', program: 'festive', when: { weekdays: ['sat'] } },
        { name: 'park', program: 'standard', zones: ['parc'], when: { weekdays: ['sun'] } },
      ],
      zones: [zone('place'), zone('park', { defaultProgram: 'quiet' })],
      events: [{ id: 'fete', name: 'Fête', zones: ['plaza'], start: 0, end: 1000, level: 100 }],
    });
    expect(found).toEqual([
      'defaultProgram: unknown program "all-night" (programs: standard)',
      'calendar.0.program: unknown program "festive" (programs: standard)',
      'zones.1.defaultProgram: unknown program "quiet" (programs: standard)',
      'calendar.1.zones.0: unknown zone "parc" (zones: place, park)',
      'events.0.zones.0: unknown zone "plaza" (zones: place, park)',
    ]);
  });

  it('rejects duplicate ids and rule names', () => {
    const found = problems(LightingControlConfigSchema, {
      programs: [
        { id: 'p', steps: [{ level: 100 }] },
        { id: 'p', steps: [{ level: 50 }] },
      ],
      defaultProgram: 'p',
      calendar: [
        { name: 'r', program: 'p', when: { weekdays: ['sat'] } },
        { name: 'r', program: 'p', when: { weekdays: ['sun'] } },
      ],
      zones: [zone('a'), zone('a')],
    });
    expect(found).toEqual([
      'zones.1.id: duplicate zone id "a"',
      'programs.1.id: duplicate program id "p"',
      'calendar.1.name: duplicate rule name "r"',
    ]);
  });

  it('rejects unknown keys (a typo must not be ignored)', () => {
    expect(problems(LightingControlConfigSchema, { swichOn: { at: 'sunset' } })).toHaveLength(1);
    expect(problems(LightingControlConfigSchema, { switchOn: { at: 'sunrise' } })).toEqual([
      "switchOn.at: switch-on at 'sunset' or 'civil-dusk'",
    ]);
    expect(
      problems(LightingControlConfigSchema, { switchOff: { at: 'sunrise', offsetMinutes: 200 } }),
    ).toEqual(['switchOff.offsetMinutes: an offset within ±180 min']);
  });

  it('validates the dimming curve', () => {
    expect(
      problems(LightingControlConfigSchema, {
        dimmingCurve: [
          { level: 50, powerPct: 50 },
          { level: 40, powerPct: 60 },
        ],
      }),
    ).toEqual([
      'dimmingCurve.1.level: curve points must be in increasing level order',
      'dimmingCurve: the last curve point must be at level 100',
    ]);
  });
});

describe('events, overrides and weather inputs', () => {
  it('reads instants as ms or ISO date-times with Z or an offset, not local times', () => {
    const event = LightingEventSchema.parse({
      id: 'fete',
      name: 'Fête',
      zones: 'all',
      start: '2026-07-11T19:00:00+02:00',
      end: Date.UTC(2026, 6, 11, 23),
      level: 100,
    });
    expect(event.start).toBe(Date.UTC(2026, 6, 11, 17));
    expect(event.end).toBe(Date.UTC(2026, 6, 11, 23));
    expect(event.rampMinutes).toBe(0);
    expect(
      problems(LightingEventSchema, {
        id: 'fete',
        name: 'Fête',
        zones: 'all',
        start: '2026-07-11T19:00:00',
        end: '2026-07-11T18:00:00Z',
        level: 100,
      }),
    ).toEqual(['start: an instant: ms since the epoch or an ISO date-time with Z or an offset']);
    expect(
      problems(LightingEventSchema, {
        id: 'fete',
        name: 'Fête',
        zones: [],
        start: 2000,
        end: 1000,
        level: 101,
      }),
    ).toEqual(['zones: at least one zone id', 'level: a level must be 0-100 %']);
    expect(
      problems(LightingEventSchema, {
        id: 'f',
        name: 'F',
        zones: 'all',
        start: 2000,
        end: 1000,
        level: 1,
      }),
    ).toEqual(['end: an event must end after it starts']);
  });

  it('starts an override when issued unless told otherwise', () => {
    const o = LightingOverrideSchema.parse({
      id: 'test-lamps',
      zones: ['place'],
      level: 100,
      issuedAt: '2026-03-02T10:00:00Z',
      expiresAt: '2026-03-02T10:30:00Z',
    });
    expect(o.start).toBe(Date.UTC(2026, 2, 2, 10));
    expect(o.rampSeconds).toBe(0);
    expect(
      problems(LightingOverrideSchema, {
        id: 'x',
        zones: 'all',
        level: 50,
        issuedAt: 1000,
        start: 5000,
        expiresAt: 5000,
      }),
    ).toEqual(['expiresAt: an override must expire after it starts']);
  });

  it('takes the weather as the weather readers give it, unknowns null', () => {
    const w = WeatherInputSchema.parse({
      observedAt: Date.UTC(2026, 0, 15, 21),
      source: 'metar',
      fog: true,
      heavyRain: false,
      snowCover: null,
      visibilityM: 300,
      summary: 'METAR FG',
      cloudCoverPct: null,
    });
    expect(w).toEqual({
      observedAt: Date.UTC(2026, 0, 15, 21),
      fog: true,
      heavyRain: false,
      snowCover: null,
      visibilityM: 300,
      summary: 'METAR FG',
    });
  });
});
