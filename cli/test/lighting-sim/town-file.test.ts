import { dayNumber, parseIsoDate } from '@hameau/edge-agent';
import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../src/lighting-sim/sim-schedule.js';
import { DEFAULT_TOWN_FILE, loadTown, parseTown } from '../../src/lighting-sim/town-file.js';

const town = await loadTown(DEFAULT_TOWN_FILE);

describe('the default town (cli/scenarios/lighting-town.yaml)', () => {
  it('is Chantilly with 8-12 zones of the classes the brief asks for', () => {
    const { config } = town;
    expect(config.site).toEqual({ latitude: 49.1939, longitude: 2.4711, timeZone: 'Europe/Paris' });
    expect(config.zones.length).toBeGreaterThanOrEqual(8);
    expect(config.zones.length).toBeLessThanOrEqual(12);
    const classes = new Set(config.zones.map((z) => z.class));
    for (const c of ['M3', 'P1', 'P2', 'P3'] as const) expect(classes).toContain(c);
    expect(classes.has('M5') || classes.has('P3')).toBe(true);
    expect(config.holidays).toBe('fr');
    const rules = config.calendar.map((r) => r.name).join(' | ');
    for (const name of ['musique', '14 juillet', 'Noël', 'Fête communale', 'weekends', 'holiday']) {
      expect(rules).toContain(name);
    }
  });

  it('runs main roads 100 % until 23:00, 60 % until 05:30, 80 % until switch-off', () => {
    const mainRoad = town.config.programs.find((p) => p.id === 'main-road');
    expect(mainRoad?.steps).toEqual([
      { level: 100, until: { kind: 'time', minutes: 23 * 60 } },
      { level: 60, until: { kind: 'time', minutes: 5 * 60 + 30 } },
      { level: 80, until: { kind: 'switch-off' } },
    ]);
  });
});

describe('buildSchedule', () => {
  const year2026 = buildSchedule(town, { firstNight: dayNumber(2026, 1, 1), nights: 365 });

  it('covers local noon to local noon', () => {
    expect(year2026.from).toBe(Date.parse('2026-01-01T12:00:00+01:00'));
    expect(year2026.to).toBe(Date.parse('2027-01-01T12:00:00+01:00'));
  });

  it("writes the yearly events out on the year's dates, in local time across midnight", () => {
    const musique = year2026.config.events.find((e) => e.id === 'fete-musique-20260621');
    expect(musique).toMatchObject({
      start: Date.parse('2026-06-21T19:00:00+02:00'),
      end: Date.parse('2026-06-22T02:30:00+02:00'),
      level: 100,
      rampMinutes: 20,
    });
    // The third Saturday of October 2026 is the 17th.
    expect(year2026.config.events.map((e) => e.id)).toContain('course-nocturne-20261017');
    const ids = year2026.config.events.map((e) => e.id);
    expect(ids.filter((id) => id.startsWith('messe-minuit-'))).toEqual(['messe-minuit-20261224']);
  });

  it('gives the incidents their dates: a lamp test every first Tuesday, a clock fault', () => {
    const tests = year2026.overrides.filter((o) => o.id.startsWith('lamp-test-'));
    expect(tests).toHaveLength(12);
    expect(tests[0]).toMatchObject({
      id: 'lamp-test-20260106',
      start: Date.parse('2026-01-06T10:00:00+01:00'),
      expiresAt: Date.parse('2026-01-06T10:15:00+01:00'),
      level: 100,
    });
    expect(year2026.clockFaults).toEqual([
      {
        name: 'a bad NTP answer steps the clock 3 h ahead',
        from: Date.parse('2026-11-17T01:30:00+01:00'),
        to: Date.parse('2026-11-17T03:00:00+01:00'),
        jumpMs: 3 * 3_600_000,
      },
    ]);
  });

  it('--zones: fewer keeps the first zones and drops what named only the others', () => {
    const three = buildSchedule(town, {
      firstNight: parseIsoDate('2026-06-01'),
      nights: 30,
      zones: 3,
    });
    const ids = three.config.zones.map((z) => z.id);
    expect(ids).toEqual(town.config.zones.slice(0, 3).map((z) => z.id));
    for (const rule of three.config.calendar) {
      if (rule.zones !== 'all') for (const id of rule.zones) expect(ids).toContain(id);
    }
    expect(three.config.calendar.map((r) => r.name)).not.toContain('weekends (streets)');
    expect(
      three.overrides.every((o) => o.zones === 'all' || o.zones.every((z) => ids.includes(z))),
    ).toBe(true);
  });

  it('--zones: more repeats the zones, each copy listed wherever its original is', () => {
    const n = town.config.zones.length;
    const many = buildSchedule(town, {
      firstNight: parseIsoDate('2026-06-01'),
      nights: 30,
      zones: 2 * n + 1,
    });
    const ids = many.config.zones.map((z) => z.id);
    expect(new Set(ids).size).toBe(2 * n + 1);
    expect(ids).toContain('place-omer-vallon-2');
    expect(ids).toContain('rue-connetable-3');
    const musique = many.config.events.find((e) => e.id === 'fete-musique-20260621');
    expect(musique?.zones).toEqual(['place-omer-vallon', 'place-omer-vallon-2']);
    const weekends = many.config.calendar.find((r) => r.name === 'weekends (roads)');
    expect(weekends?.zones).toContain('avenue-joffre-2');
  });
});

describe('parseTown', () => {
  const minimal = (extra: string) => `name: Test
lighting:
  zones: [{ id: square, name: Square, class: P1, lamps: [{ count: 2, ratedW: 40 }] }]
${extra}`;

  it('reads a minimal town', () => {
    const parsed = parseTown(minimal(''), 'test.yaml');
    expect(parsed.config.zones).toHaveLength(1);
    expect(parsed.yearlyEvents).toEqual([]);
    expect(parsed.clockFaults).toEqual([]);
  });

  it('reports every problem with its path and line', () => {
    const text = minimal(`yearlyEvents:
  - id: fete
    name: Fête
    zones: [squar]
    when: { dates: ['07-14'] }
    from: '23:00'
    until: '22:00'
    level: 100
`).replace('ratedW: 40', 'ratedW: -4');
    let message = '';
    try {
      parseTown(text, 'test.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('test.yaml is invalid');
    expect(message).toMatch(/yearlyEvents\[0\]\.until: until must come after from .*\(line 10\)/);
    // The lighting part is only read once the file's own shape is right.
    const lighting = minimal('').replace('ratedW: 40', 'ratedW: -4');
    expect(() => parseTown(lighting, 'test.yaml')).toThrow(
      /lighting\.zones\[0\]\.lamps\[0\]\.ratedW: .*\(line 3\)/,
    );
    const zone = minimal(`yearlyEvents:
  - { id: fete, name: Fête, zones: [squar], when: { dates: ['07-14'] }, from: '20:00', until: '23:00', level: 100 }
`);
    expect(() => parseTown(zone, 'test.yaml')).toThrow(
      /yearlyEvents\[0\]\.zones\[0\]: unknown zone "squar" \(zones: square\) \(line 5\)/,
    );
  });

  it('refuses broken YAML and unknown keys', () => {
    expect(() => parseTown('name: [unclosed', 'bad.yaml')).toThrow(/bad\.yaml is invalid/);
    expect(() => parseTown(minimal('extra: 1'), 'x.yaml')).toThrow(/extra/);
  });
});
