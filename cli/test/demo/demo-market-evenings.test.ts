import { LightingController } from '@hameau/edge-agent';
import { describe, expect, it } from 'vitest';
import { demoLightingControl } from '../../src/demo/demo-lighting-program.js';
import { marketEvenings } from '../../src/demo/demo-market-evenings.js';

const PARIS = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);

describe('the demo’s Christmas market: every evening of the week the demo runs in', () => {
  it('is one event per evening, Monday to Sunday, 17:00 to 23:30 on the square, local time', () => {
    // Thursday 26 November 2026, noon in Paris.
    const events = marketEvenings(at('2026-11-26T12:00:00+01:00'), PARIS);
    expect(events.map((e) => e.id)).toEqual([
      'marche-de-noel-2026-11-23',
      'marche-de-noel-2026-11-24',
      'marche-de-noel-2026-11-25',
      'marche-de-noel-2026-11-26',
      'marche-de-noel-2026-11-27',
      'marche-de-noel-2026-11-28',
      'marche-de-noel-2026-11-29',
    ]);
    expect(events[0]).toEqual({
      id: 'marche-de-noel-2026-11-23',
      name: 'Marché de Noël',
      zones: ['place-omer-vallon'],
      start: '2026-11-23T17:00:00+01:00',
      end: '2026-11-23T23:30:00+01:00',
      level: 100,
      rampMinutes: 15,
    });
  });

  it('is the same schedule all week (no new version on a restart), and moves on with the week', () => {
    const week = marketEvenings(at('2026-11-23T00:10:00+01:00'), PARIS);
    // Sunday 23:59 in Paris is already Monday in UTC: the week is the site's, not UTC's.
    expect(marketEvenings(at('2026-11-29T23:59:00+01:00'), PARIS)).toEqual(week);
    expect(marketEvenings(at('2026-11-22T23:59:00+01:00'), PARIS)[0]?.id).toBe(
      'marche-de-noel-2026-11-16',
    );
    expect(marketEvenings(at('2026-11-30T00:00:00+01:00'), PARIS)[0]?.id).toBe(
      'marche-de-noel-2026-11-30',
    );
  });

  it('writes each evening with the offset in force then (the clocks go back on 25 October 2026)', () => {
    const events = marketEvenings(at('2026-10-21T12:00:00+02:00'), PARIS);
    expect(events[0]?.start).toBe('2026-10-19T17:00:00+02:00');
    expect(events[5]?.end).toBe('2026-10-24T23:30:00+02:00');
    expect(events[6]?.start).toBe('2026-10-25T17:00:00+01:00');
  });
});

describe('the demo’s lighting program with the market', () => {
  const now = at('2026-11-26T12:00:00+01:00');
  const controller = new LightingController(demoLightingControl(now));

  it('lights the square for the market in the evening, and says so in the trace', () => {
    const square = controller.decide('place-omer-vallon', {}, at('2026-11-26T18:00:00+01:00'));
    expect(square).toMatchObject({ level: 100, mode: 'event' });
    expect(square.reasons.some((r) => r.startsWith("event 'Marché de Noël' → 100 %"))).toBe(true);
    // The street beside it follows its own program.
    const street = controller.decide('rue-connetable', {}, at('2026-11-26T18:00:00+01:00'));
    expect(street).toMatchObject({ level: 100, mode: 'program' });
  });

  it('holds the square lit past its part-night switch-off until the market closes, then off', () => {
    const late = controller.decide('place-omer-vallon', {}, at('2026-11-26T23:15:00+01:00'));
    expect(late).toMatchObject({ level: 100, mode: 'event' });
    // Ramped back out by 23:45: a Thursday night, the square's part-night step is off.
    const after = controller.decide('place-omer-vallon', {}, at('2026-11-26T23:50:00+01:00'));
    expect(after).toMatchObject({ level: 0, mode: 'program' });
  });
});
