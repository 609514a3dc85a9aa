import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../../../src/modules/lighting/control/civil-date.js';
import { segmentAt } from '../../../../src/modules/lighting/control/night-plan.js';
import { at, controller } from './lighting-test-config.js';

const HOUR_MS = 3_600_000;
const night = (date: string) => parseIsoDate(date);

describe('night plans', () => {
  it('run from local noon to the next local noon, with switch-on at sunset and off at sunrise', () => {
    const c = controller();
    const plan = c.plan('road', night('2026-01-15'));
    expect(plan.from).toBe(at('2026-01-15T12:00:00+01:00'));
    expect(plan.to).toBe(at('2026-01-16T12:00:00+01:00'));
    expect(plan.switchOn).toBe(c.sun.times(night('2026-01-15')).sunset);
    expect(plan.switchOff).toBe(c.sun.times(night('2026-01-16')).sunrise);
    expect(plan.stepEnds).toEqual([
      at('2026-01-15T23:00:00+01:00'),
      at('2026-01-16T05:30:00+01:00'),
      plan.switchOff,
    ]);
  });

  it('follow the switch rules’ events and offsets, per zone where a zone has its own', () => {
    const c = controller({
      switchOn: { at: 'civil-dusk', offsetMinutes: -10 },
      switchOff: { at: 'civil-dawn', offsetMinutes: 15 },
      zones: [
        { id: 'road', name: 'Road', class: 'M4' },
        { id: 'park', name: 'Park', class: 'P4', switchOn: { at: 'sunset', offsetMinutes: 30 } },
      ],
    });
    const d = night('2026-06-21');
    const road = c.plan('road', d);
    expect(road.switchOn).toBe((c.sun.times(d).civilDusk ?? 0) - 10 * 60_000);
    expect(road.switchOff).toBe((c.sun.times(d + 1).civilDawn ?? 0) + 15 * 60_000);
    const park = c.plan('park', d);
    expect(park.switchOn).toBe((c.sun.times(d).sunset ?? 0) + 30 * 60_000);
    expect(park.switchOff).toBe(road.switchOff);
  });

  it('last 23 hours on the spring-forward night: steps keep their wall times', () => {
    // Saturday 28 March 2026; Paris moves from 02:00 CET to 03:00 CEST on the Sunday.
    const c = controller({
      programs: [
        {
          id: 'odd',
          steps: [{ level: 100, until: '02:30' }, { level: 60, until: '05:30' }, { level: 80 }],
        },
      ],
      defaultProgram: 'odd',
    });
    const plan = c.plan('road', night('2026-03-28'));
    expect(plan.to - plan.from).toBe(23 * HOUR_MS);
    // 02:30 does not exist that night: the step ends when the clock would have shown it, 03:30 CEST.
    expect(plan.stepEnds[0]).toBe(at('2026-03-29T03:30:00+02:00'));
    expect(plan.stepEnds[1]).toBe(at('2026-03-29T05:30:00+02:00'));
    // Sunrise on the 29th is already in summer time: about 07:34 CEST (06:34 CET).
    expect(c.time.offsetAt(plan.switchOff ?? 0)).toBe(2 * HOUR_MS);
    expect(c.time.formatHm(plan.switchOff ?? 0)).toMatch(/^07:3\d$/);
    expect(c.decide('road', {}, at('2026-03-29T01:59:00+01:00')).level).toBe(100);
    expect(c.decide('road', {}, at('2026-03-29T03:29:00+02:00')).level).toBe(100);
    expect(c.decide('road', {}, at('2026-03-29T03:30:00+02:00')).level).toBe(60);
    expect(c.decide('road', {}, at('2026-03-29T05:30:00+02:00')).level).toBe(80);
  });

  it('last 25 hours on the fall-back night: a repeated wall time is its first occurrence', () => {
    // Saturday 24 October 2026; Paris moves from 03:00 CEST back to 02:00 CET on the Sunday.
    const c = controller({
      programs: [
        {
          id: 'odd',
          steps: [{ level: 100, until: '02:30' }, { level: 60, until: '05:30' }, { level: 80 }],
        },
      ],
      defaultProgram: 'odd',
    });
    const plan = c.plan('road', night('2026-10-24'));
    expect(plan.to - plan.from).toBe(25 * HOUR_MS);
    expect(plan.stepEnds[0]).toBe(at('2026-10-25T02:30:00+02:00'));
    expect(plan.stepEnds[1]).toBe(at('2026-10-25T05:30:00+01:00'));
    expect(c.decide('road', {}, at('2026-10-25T02:29:00+02:00')).level).toBe(100);
    expect(c.decide('road', {}, at('2026-10-25T02:30:00+02:00')).level).toBe(60);
    // The second 02:30 (CET) is an hour later, still in the 60 % step.
    expect(c.decide('road', {}, at('2026-10-25T02:30:00+01:00')).level).toBe(60);
    expect(c.decide('road', {}, at('2026-10-25T05:29:00+01:00')).level).toBe(60);
    expect(c.decide('road', {}, at('2026-10-25T05:30:00+01:00')).level).toBe(80);
    // 80 % until sunrise, in winter time now (about 07:25 CET), then off.
    const off = plan.switchOff ?? 0;
    expect(c.time.offsetAt(off)).toBe(HOUR_MS);
    expect(c.time.formatHm(off)).toMatch(/^07:2\d$/);
    expect(c.decide('road', {}, off - 60_000).level).toBe(80);
    expect(c.decide('road', {}, off).level).toBe(0);
  });

  it('clamp steps to the night: a step ending before switch-on is skipped', () => {
    // Midsummer: sunset near 22:00, so '100 % until 21:00' never happens.
    const c = controller({
      programs: [
        {
          id: 'p',
          steps: [{ level: 100, until: '21:00' }, { level: 70, until: '01:00' }, { level: 40 }],
        },
      ],
      defaultProgram: 'p',
    });
    const plan = c.plan('road', night('2026-06-21'));
    expect(plan.stepEnds[0]).toBe(plan.switchOn);
    const lit = plan.segments.filter((s) => s.lit);
    expect(lit.map((s) => s.base)).toEqual([70, 40]);
  });

  it('find the segment of an instant from any starting guess', () => {
    const c = controller();
    const plan = c.plan('road', night('2026-01-15'));
    for (const seg of plan.segments) {
      for (const guess of [0, 1, 2, plan.segments.length - 1, 99]) {
        expect(plan.segments[segmentAt(plan, seg.from, guess)]).toBe(seg);
        expect(plan.segments[segmentAt(plan, seg.to - 1, guess)]).toBe(seg);
      }
    }
  });

  it('handle nights without night, and nights without day, near the poles', () => {
    const tromso = controller({
      site: { latitude: 69.65, longitude: 18.96, timeZone: 'Europe/Oslo' },
    });
    const summer = tromso.plan('road', night('2026-06-21'));
    expect(summer).toMatchObject({ switchOn: null, switchOff: null, polar: 'no-night' });
    expect(tromso.decide('road', {}, at('2026-06-22T01:00:00+02:00')).lit).toBe(false);
    const winter = tromso.plan('road', night('2026-12-21'));
    expect(winter).toMatchObject({ switchOn: winter.from, switchOff: winter.to, polar: 'dark' });
    expect(tromso.decide('road', {}, at('2026-12-21T13:00:00+01:00')).level).toBe(100);
  });
});
