import { describe, expect, it } from 'vitest';
import { at, controller, override } from './lighting-test-config.js';

describe('overrides', () => {
  const c = controller();
  const evening = (hhmm: string) => at(`2026-01-15T${hhmm}:00+01:00`);

  it('last issued wins, whatever the order they come in, and expiry resumes the program', () => {
    const long = override({
      id: 'long',
      level: 30,
      issuedAt: evening('10:00'),
      start: evening('20:00'),
      expiresAt: evening('23:30'),
    });
    const short = override({
      id: 'short',
      level: 90,
      issuedAt: evening('11:00'),
      start: evening('21:00'),
      expiresAt: evening('22:00'),
    });
    const older = override({
      id: 'older',
      level: 10,
      issuedAt: evening('09:00'),
      start: evening('21:15'),
      expiresAt: evening('21:45'),
    });
    for (const overrides of [
      [long, short, older],
      [older, short, long],
    ]) {
      const level = (hhmm: string) => c.decide('road', { overrides }, evening(hhmm));
      expect(level('19:00')).toMatchObject({ level: 100, mode: 'program' });
      expect(level('20:30')).toMatchObject({ level: 30, mode: 'override' });
      expect(level('21:30')).toMatchObject({ level: 90, mode: 'override' });
      expect(level('22:30').level).toBe(30);
      expect(level('23:30')).toMatchObject({ level: 60, mode: 'program' });
    }
    expect(c.explain('road', { overrides: [long, short] }, evening('21:30'))).toEqual([
      'astro: night (sunset 17:19 +0 min, until sunrise 08:38 +0 min)',
      "calendar: no rule matches → default program 'standard' step until 23:00 → 100 %",
      "override 'long' (issued 10:00) superseded by 'short' (issued 11:00)",
      "override 'short' → 90 % until 22:00 (issued 11:00)",
      'class M4 minimum 30 %',
    ]);
  });

  it('ramp in from the level they replace and back after expiry', () => {
    const o = override({
      id: 'ramp',
      level: 20,
      issuedAt: evening('19:55'),
      start: evening('20:00'),
      expiresAt: evening('21:00'),
      rampSeconds: 600,
      zones: ['square'],
    });
    const level = (hhmm: string) => c.decide('square', { overrides: [o] }, evening(hhmm)).level;
    expect(level('20:00')).toBe(100);
    expect(level('20:05')).toBe(60);
    expect(level('20:10')).toBe(30); // 20 %, raised to the P3 minimum
    expect(level('21:00')).toBe(30);
    expect(level('21:05')).toBe(60);
    expect(level('21:10')).toBe(100);
    expect(c.decide('road', { overrides: [o] }, evening('20:30')).level).toBe(100);
  });

  it('light by day (a lamp test), switch off at 0, and respect the class minimum', () => {
    const test = override({
      id: 'lamp-test',
      level: 100,
      issuedAt: evening('10:00'),
      expiresAt: evening('10:30'),
    });
    expect(c.decide('road', { overrides: [test] }, evening('10:15'))).toMatchObject({
      level: 100,
      lit: true,
      mode: 'override',
    });
    expect(c.decide('road', { overrides: [test] }, evening('10:30'))).toMatchObject({
      level: 0,
      mode: 'off',
    });
    const off = override({
      id: 'off',
      level: 0,
      issuedAt: evening('20:00'),
      expiresAt: evening('21:00'),
    });
    expect(c.decide('road', { overrides: [off] }, evening('20:30'))).toMatchObject({
      level: 0,
      lit: false,
      mode: 'override',
    });
    const low = override({
      id: 'low',
      level: 5,
      issuedAt: evening('20:00'),
      expiresAt: evening('21:00'),
    });
    expect(c.decide('road', { overrides: [low] }, evening('20:30')).level).toBe(30);
  });

  it('take effect as soon as the override list changes', () => {
    const now = evening('20:30');
    expect(c.decide('road', { overrides: [] }, now).level).toBe(100);
    const o = override({ id: 'new', level: 40, issuedAt: now, expiresAt: now + 3_600_000 });
    expect(c.decide('road', { overrides: [o] }, now).level).toBe(40);
    expect(c.decide('road', {}, now).level).toBe(100);
  });
});
