import { describe, expect, it } from 'vitest';
import { ClockTrust, formatShift } from '../../../../src/modules/lighting/control/clock-trust.js';
import { at, controller } from './lighting-test-config.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

describe('clock trust', () => {
  it('is untrusted from boot until told the clock is synchronised', () => {
    const trust = new ClockTrust();
    expect(trust.observe(at('2026-01-15T20:00:00+01:00'), 1_000)).toEqual({
      trusted: false,
      reason: 'not synchronised since boot',
      estimatedNow: null,
    });
    trust.markSynced(at('2026-01-15T20:00:10+01:00'), 11_000);
    expect(trust.observe(at('2026-01-15T20:01:10+01:00'), 71_000)).toEqual({ trusted: true });
    expect(trust.trusted).toBe(true);
  });

  it('loses trust when the wall clock jumps against the monotonic one, beyond the threshold', () => {
    const trust = new ClockTrust({ jumpThresholdMs: 2 * MINUTE_MS });
    const wall = at('2026-01-15T20:00:00+01:00');
    trust.markSynced(wall, 0);
    // Drift and small corrections pass: 1 min of wall time per monotonic minute, ± 119 s.
    expect(trust.observe(wall + MINUTE_MS, MINUTE_MS).trusted).toBe(true);
    const lastGood = wall + 2 * MINUTE_MS + 119_000;
    expect(trust.observe(lastGood, 2 * MINUTE_MS).trusted).toBe(true);
    // Three hours appear in one minute.
    const jumped = trust.observe(lastGood + 3 * HOUR_MS + MINUTE_MS, 3 * MINUTE_MS);
    expect(jumped).toEqual({
      trusted: false,
      reason: 'wall time jumped +3 h 00 min against the monotonic clock',
      // The last good reading plus the monotonic minute since.
      estimatedNow: lastGood + MINUTE_MS,
    });
    // Still untrusted after, even if the wall clock now moves steadily…
    expect(trust.observe(wall + 3 * HOUR_MS + 5 * MINUTE_MS, 4 * MINUTE_MS).trusted).toBe(false);
    // …until the next synchronisation.
    trust.markSynced(wall + 5 * MINUTE_MS, 5 * MINUTE_MS);
    expect(trust.observe(wall + 6 * MINUTE_MS, 6 * MINUTE_MS).trusted).toBe(true);
  });

  it('catches a jump backwards, and a monotonic clock that went backwards', () => {
    const trust = new ClockTrust();
    trust.markSynced(1_000_000_000, 50_000);
    expect(trust.observe(1_000_000_000 - HOUR_MS, 60_000)).toMatchObject({
      trusted: false,
      reason: 'wall time jumped -1 h 00 min against the monotonic clock',
    });
    const other = new ClockTrust();
    other.markSynced(1_000_000_000, 50_000);
    expect(other.observe(1_000_010_000, 40_000)).toMatchObject({
      trusted: false,
      reason: 'the monotonic clock went backwards',
    });
  });

  it('can be told the clock is no longer right', () => {
    const trust = new ClockTrust();
    trust.markSynced(1_000_000_000, 0);
    trust.markUnsynced('NTP unreachable for 7 days', 1_000_060_000, 60_000);
    expect(trust.observe(1_000_120_000, 120_000)).toEqual({
      trusted: false,
      reason: 'NTP unreachable for 7 days',
      estimatedNow: 1_000_120_000,
    });
  });

  it('writes shifts for people', () => {
    expect(formatShift(45_000)).toBe('+45 s');
    expect(formatShift(-5 * MINUTE_MS)).toBe('-5 min');
    expect(formatShift(3 * HOUR_MS + 2 * MINUTE_MS)).toBe('+3 h 02 min');
  });
});

describe('the fail-safe while time is untrusted', () => {
  const untrusted = (estimatedNow: number | null, reason = 'not synchronised since boot') => ({
    trusted: false as const,
    reason,
    estimatedNow,
  });

  it('lights 100 % when the light sensor says dark, whatever the clock', () => {
    const c = controller();
    const d = c.decide('road', { clock: untrusted(null), lightSensor: { dark: true } }, 0);
    expect(d).toMatchObject({ level: 100, lit: true, mode: 'failsafe' });
    expect(d.reasons).toEqual([
      'failsafe: clock untrusted (not synchronised since boot)',
      'light sensor: dark',
      'night → 100 %',
    ]);
  });

  it('lights 100 % when the last known-good schedule, extrapolated, says night', () => {
    const c = controller();
    const good = at('2026-01-15T23:30:00+01:00');
    expect(c.decide('road', {}, good).level).toBe(60);
    // The wall clock now says 1970; the monotonic clock says 20 min passed.
    const estimate = good + 20 * 60_000;
    const d = c.decide('road', { clock: untrusted(estimate, 'wall time jumped -56 y') }, 5_000);
    expect(d).toMatchObject({ level: 100, mode: 'failsafe' });
    expect(d.reasons).toEqual([
      'failsafe: clock untrusted (wall time jumped -56 y)',
      'last known-good schedule at 23:50 (extrapolated by the monotonic clock): night',
      'night → 100 %',
    ]);
  });

  it('follows the last known-good schedule by day, even after a daytime override', () => {
    const c = controller();
    const good = at('2026-01-16T10:00:00+01:00');
    const test = {
      id: 'test',
      zones: 'all' as const,
      level: 70,
      start: good - 60_000,
      expiresAt: good + 3_600_000,
      rampSeconds: 0,
      issuedAt: good - 60_000,
    };
    expect(c.decide('road', { overrides: [test] }, good).level).toBe(70);
    const d = c.decide(
      'road',
      {
        clock: untrusted(good + 60_000, 'wall time jumped +5 h 00 min'),
        lightSensor: { dark: false },
      },
      good + 5 * 3_600_000,
    );
    // Overrides are wall-time things and are ignored while time is untrusted; the schedule,
    // extrapolated by the monotonic clock, says day.
    expect(d).toMatchObject({ level: 0, lit: false, mode: 'failsafe' });
    expect(d.reasons).toEqual([
      'failsafe: clock untrusted (wall time jumped +5 h 00 min)',
      'light sensor: daylight',
      'last known-good schedule at 10:01 (extrapolated by the monotonic clock): day',
      'day by the last known-good schedule → off',
    ]);
  });

  it('does not burn all morning when the clock fails at night and stays untrusted past dawn', () => {
    const c = controller();
    const night = at('2026-01-16T05:30:00+01:00');
    expect(c.decide('road', {}, night).lit).toBe(true);
    // The monotonic clock carries the schedule on: 09:30 is day, so the lamps go off.
    const d = c.decide(
      'road',
      { clock: untrusted(night + 4 * 3_600_000, 'not synchronised') },
      night + 4 * 3_600_000,
    );
    expect(d).toMatchObject({ level: 0, mode: 'failsafe' });
  });

  it('holds the last known-good decision when there is no schedule to extrapolate', () => {
    const c = controller();
    const good = at('2026-01-16T22:00:00+01:00');
    const kept = c.decide('road', {}, good).level;
    expect(kept).toBeGreaterThan(0);
    const d = c.decide('road', { clock: untrusted(null), lightSensor: { dark: false } }, good);
    expect(d).toMatchObject({ level: kept, mode: 'failsafe' });
    expect(d.reasons.at(-1)).toMatch(/^holding the last known-good decision/);
  });

  it('with nothing known, lights 100 %, unless a sensor sees daylight', () => {
    const c = controller();
    expect(c.decide('road', { clock: untrusted(null) }, 0)).toMatchObject({
      level: 100,
      mode: 'failsafe',
    });
    expect(c.decide('road', { clock: untrusted(null) }, 0).reasons.at(-1)).toBe(
      'no known-good decision and no light sensor → 100 %',
    );
    const d = c.decide('square', { clock: untrusted(null), lightSensor: { dark: false } }, 0);
    expect(d).toMatchObject({ level: 0, lit: false, mode: 'failsafe' });
  });

  it('goes back to the schedule once time is trusted again', () => {
    const c = controller();
    const trust = new ClockTrust();
    const wall = at('2026-01-15T23:30:00+01:00');
    expect(c.decide('road', { clock: trust.observe(wall, 0) }, wall).mode).toBe('failsafe');
    trust.markSynced(wall, 0);
    expect(
      c.decide('road', { clock: trust.observe(wall + 60_000, 60_000) }, wall + 60_000),
    ).toMatchObject({
      level: 60,
      mode: 'program',
    });
  });
});
