import { describe, expect, it } from 'vitest';
import type { WeatherInput } from '../../../../src/modules/lighting/control/weather-adjustment.js';
import { at, controller } from './lighting-test-config.js';

const fog = (observedAt: number, extra: Partial<WeatherInput> = {}): WeatherInput => ({
  observedAt,
  fog: true,
  heavyRain: false,
  ...extra,
});

describe('events', () => {
  // Saturday 11 July 2026: sunset 21:53 CEST. The weekend program: 100 % until 01:00, then 60 %.
  const fete = {
    id: 'fete',
    name: 'Fête',
    zones: ['square'],
    start: '2026-07-11T19:00:00+02:00',
    end: '2026-07-12T01:00:00+02:00',
    level: 100,
    rampMinutes: 15,
  };
  const c = controller({ defaultProgram: 'dim', events: [fete] });
  const square = (iso: string) => c.decide('square', {}, at(iso));

  it('act only while it is night, then ramp out after their end', () => {
    expect(square('2026-07-11T21:00:00+02:00')).toMatchObject({ level: 0, mode: 'off' });
    expect(square('2026-07-11T21:00:00+02:00').reasons).toContain(
      "event 'Fête' → not applied by day",
    );
    expect(square('2026-07-11T22:00:00+02:00')).toMatchObject({ level: 100, mode: 'event' });
    expect(square('2026-07-12T01:00:00+02:00').level).toBe(100);
    // 5 of 15 min down from 100 % to the program's 50 %.
    const ramp = square('2026-07-12T01:05:00+02:00');
    expect(ramp.level).toBe(83);
    expect(ramp.reasons).toContain("event 'Fête' ramping out → 83 % (ended 01:00)");
    expect(square('2026-07-12T01:15:00+02:00')).toMatchObject({ level: 50, mode: 'program' });
    // Other zones are not concerned.
    expect(c.decide('road', {}, at('2026-07-11T23:00:00+02:00')).level).toBe(50);
  });

  it('ramp in before their start', () => {
    const c2 = controller({
      defaultProgram: 'dim',
      events: [
        {
          ...fete,
          start: '2026-01-15T23:00:00+01:00',
          end: '2026-01-16T01:00:00+01:00',
          rampMinutes: 20,
        },
      ],
    });
    const level = (iso: string) => c2.decide('square', {}, at(iso)).level;
    expect(level('2026-01-15T22:39:00+01:00')).toBe(50);
    expect(level('2026-01-15T22:40:00+01:00')).toBe(50);
    expect(level('2026-01-15T22:50:00+01:00')).toBe(75);
    expect(level('2026-01-15T23:00:00+01:00')).toBe(100);
    expect(c2.explain('square', {}, at('2026-01-15T22:50:00+01:00'))).toContain(
      "event 'Fête' ramping in → 75 % (100 % from 23:00)",
    );
  });

  it('overlap: the highest level wins', () => {
    const c2 = controller({
      defaultProgram: 'dim',
      events: [
        {
          id: 'market',
          name: 'Marché de Noël',
          zones: 'all',
          start: '2026-12-19T16:00:00+01:00',
          end: '2026-12-19T22:00:00+01:00',
          level: 80,
        },
        {
          id: 'concert',
          name: 'Concert',
          zones: ['square'],
          start: '2026-12-19T19:00:00+01:00',
          end: '2026-12-19T21:00:00+01:00',
          level: 100,
        },
        {
          id: 'stars',
          name: 'Nuit des étoiles',
          zones: 'all',
          start: '2026-12-19T20:00:00+01:00',
          end: '2026-12-19T23:00:00+01:00',
          level: 0,
        },
      ],
    });
    const square = (iso: string) => c2.decide('square', {}, at(iso));
    expect(square('2026-12-19T18:00:00+01:00').level).toBe(80);
    expect(square('2026-12-19T19:30:00+01:00').level).toBe(100);
    const three = square('2026-12-19T20:30:00+01:00');
    expect(three.level).toBe(100);
    expect(three.reasons).toContain('events overlap: the highest wins → 100 %');
    expect(square('2026-12-19T21:30:00+01:00').level).toBe(80);
    // Alone, the star-watching event (level 0) switches the square off.
    expect(square('2026-12-19T22:30:00+01:00')).toMatchObject({
      level: 0,
      lit: false,
      mode: 'event',
    });
    expect(c2.decide('road', {}, at('2026-12-19T21:30:00+01:00')).level).toBe(80);
    expect(square('2026-12-19T23:00:00+01:00').level).toBe(50);
  });

  it('may dim, but not under a fog raise', () => {
    const c2 = controller({
      defaultProgram: 'dim',
      events: [
        {
          id: 'stars',
          name: 'Stars',
          zones: 'all',
          start: '2026-08-12T22:00:00+02:00',
          end: '2026-08-13T02:00:00+02:00',
          level: 35,
        },
      ],
    });
    const now = at('2026-08-12T23:00:00+02:00');
    expect(c2.decide('road', {}, now).level).toBe(35);
    const foggy = c2.decide('road', { weather: fog(now) }, now);
    expect(foggy.level).toBe(70);
    expect(foggy.reasons).toContain('event held at 70 %: it may not dim under the weather raise');
  });
});
