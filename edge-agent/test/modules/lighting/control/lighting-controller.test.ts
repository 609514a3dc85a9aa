import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../../../src/modules/lighting/control/civil-date.js';
import type { WeatherInput } from '../../../../src/modules/lighting/control/weather-adjustment.js';
import { at, controller } from './lighting-test-config.js';

const MINUTE_MS = 60_000;
const fog = (observedAt: number, extra: Partial<WeatherInput> = {}): WeatherInput => ({
  observedAt,
  fog: true,
  heavyRain: false,
  ...extra,
});

describe('programs through the night', () => {
  // Thursday 15 January 2026: sunset 17:19 CET, sunrise on the 16th 08:38 CET.
  const c = controller();
  const level = (iso: string, zone = 'road') => c.decide(zone, {}, at(iso));

  it('steps from switch-on across midnight to switch-off', () => {
    expect(level('2026-01-15T17:00:00+01:00')).toMatchObject({ level: 0, lit: false, mode: 'off' });
    expect(level('2026-01-15T17:30:00+01:00')).toMatchObject({
      level: 100,
      lit: true,
      mode: 'program',
    });
    expect(level('2026-01-15T22:59:00+01:00').level).toBe(100);
    expect(level('2026-01-15T23:00:00+01:00').level).toBe(60);
    expect(level('2026-01-16T00:00:00+01:00').level).toBe(60);
    expect(level('2026-01-16T05:29:59+01:00').level).toBe(60);
    expect(level('2026-01-16T05:30:00+01:00').level).toBe(80);
    expect(level('2026-01-16T08:30:00+01:00').level).toBe(80);
    expect(level('2026-01-16T08:45:00+01:00')).toMatchObject({ level: 0, mode: 'off' });
  });

  it('gives the morning to the night that started the evening before', () => {
    const c2 = controller({
      calendar: [{ name: 'weekend', program: 'weekend', when: { weekdays: ['fri', 'sat'] } }],
    });
    // 00:30 on Friday 16 January is still Thursday's night: the standard program.
    expect(c2.decide('road', {}, at('2026-01-16T00:30:00+01:00')).level).toBe(60);
    expect(c2.nightOf(at('2026-01-16T00:30:00+01:00'))).toBe(parseIsoDate('2026-01-15'));
    // 00:30 on Saturday is Friday's night: the weekend program, 100 % until 01:00.
    expect(c2.decide('road', {}, at('2026-01-17T00:30:00+01:00')).level).toBe(100);
    expect(c2.decide('road', {}, at('2026-01-17T01:00:00+01:00')).level).toBe(60);
    // 60 % until 30 min before sunrise (08:37 on the 17th), then 80 %.
    expect(c2.decide('road', {}, at('2026-01-17T08:00:00+01:00')).level).toBe(60);
    expect(c2.decide('road', {}, at('2026-01-17T08:10:00+01:00')).level).toBe(80);
  });

  it('switches off for part-night lighting, and a zone can have its own default program', () => {
    const c2 = controller({
      zones: [
        { id: 'road', name: 'Road', class: 'M4' },
        { id: 'lane', name: 'Lane', class: 'P5', defaultProgram: 'part-night' },
      ],
    });
    expect(c2.decide('lane', {}, at('2026-01-15T22:00:00+01:00')).level).toBe(80);
    const night = c2.decide('lane', {}, at('2026-01-16T02:00:00+01:00'));
    expect(night).toMatchObject({ level: 0, lit: false, mode: 'program' });
    expect(night.reasons[1]).toBe(
      "calendar: no rule matches → zone default program 'part-night' step until 05:00 → off",
    );
    expect(c2.decide('lane', {}, at('2026-01-16T05:00:00+01:00')).level).toBe(50);
    expect(c2.decide('road', {}, at('2026-01-16T02:00:00+01:00')).level).toBe(60);
  });

  it('never runs a lit zone under its class minimum', () => {
    const c2 = controller({
      programs: [{ id: 'low', steps: [{ level: 100, until: '22:00' }, { level: 10 }] }],
      defaultProgram: 'low',
      classMinimums: { P3: 20 },
    });
    expect(c2.decide('road', {}, at('2026-01-16T01:00:00+01:00')).level).toBe(30); // M4 default
    expect(c2.decide('square', {}, at('2026-01-16T01:00:00+01:00')).level).toBe(20); // configured
    expect(c2.decide('road', {}, at('2026-01-16T01:00:00+01:00')).reasons.at(-1)).toBe(
      'class M4 minimum 30 % (raised from 10 %)',
    );
  });

  it('rejects an unknown zone', () => {
    expect(() => c.decide('nowhere', {}, at('2026-01-15T20:00:00+01:00'))).toThrow(
      'unknown lighting zone "nowhere"',
    );
  });
});

describe('the reason trace', () => {
  it('reads stage by stage, as the brief’s example', () => {
    const c = controller({
      calendar: [
        { name: 'weekday', program: 'standard', when: { weekdays: ['mon', 'tue', 'wed', 'thu'] } },
      ],
      events: [
        {
          id: 'fete',
          name: 'Fête',
          zones: ['road'],
          start: '2026-01-15T23:30:00+01:00',
          end: '2026-01-16T01:00:00+01:00',
          level: 100,
        },
      ],
    });
    const now = at('2026-01-15T23:10:00+01:00');
    const d = c.decide('road', { weather: fog(now - 10 * MINUTE_MS) }, now);
    expect(d.level).toBe(80);
    expect(d.reasons).toEqual([
      'astro: night (sunset 17:19 +0 min, until sunrise 08:38 +0 min)',
      "calendar: rule 'weekday' → program 'standard' step until 05:30 → 60 %",
      'weather: fog → +20 %',
      'class M4 minimum 30 %',
    ]);
    const later = at('2026-01-15T23:40:00+01:00');
    expect(c.explain('road', { weather: fog(later, { visibilityM: 150 }) }, later)).toEqual([
      'astro: night (sunset 17:19 +0 min, until sunrise 08:38 +0 min)',
      "calendar: rule 'weekday' → program 'standard' step until 05:30 → 60 %",
      'weather: fog (visibility 150 m) → +20 %',
      "event 'Fête' → 100 % until 01:00",
      'class M4 minimum 30 %',
    ]);
    expect(c.explain('road', {}, at('2026-01-15T15:00:00+01:00'))).toEqual([
      'astro: day (switch-on at 17:19: sunset 17:19 +0 min)',
    ]);
    expect(c.explain('road', {}, at('2026-01-16T09:00:00+01:00'))).toEqual([
      'astro: day (switched off at 08:38: sunrise 08:38 +0 min)',
    ]);
  });

  it('is built only when read, and is the same every time', () => {
    const c = controller();
    const d = c.decide('road', {}, at('2026-01-15T20:00:00+01:00'));
    const first = d.reasons;
    expect(d.reasons).toBe(first);
  });
});
