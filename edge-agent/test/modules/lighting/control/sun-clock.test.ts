import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIsoDate } from '../../../../src/modules/lighting/control/civil-date.js';
import { SunClock } from '../../../../src/modules/lighting/control/sun-clock.js';
import { ZonedTime } from '../../../../src/modules/lighting/control/zoned-time.js';

const MINUTE_MS = 60_000;
// PyEphem's table (see fixtures/README.md).
const csv = readFileSync(new URL('fixtures/sun-chantilly-2026.csv', import.meta.url), 'utf8');
const [header = '', ...rows] = csv.trim().split('\n');
const columns = header.split(',');
const table = rows.map((line) => {
  const cells = line.split(',');
  return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
});

/** `2026-01-15T08:39:33+0100` → its wall time (minutes of the day) and its UTC offset (ms). */
function local(text: string): { wallMinutes: number; offsetMs: number } {
  const m = /^\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2})(\d{2})$/.exec(text);
  if (m === null) throw new Error(`unexpected local time ${text}`);
  const sign = m[4] === '-' ? -1 : 1;
  return {
    wallMinutes: Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 60,
    offsetMs: sign * (Number(m[5]) * 60 + Number(m[6])) * MINUTE_MS,
  };
}

describe('the astronomical clock at Chantilly', () => {
  const sun = new SunClock({ latitude: 49.1939, longitude: 2.4711 });
  const paris = new ZonedTime('Europe/Paris');

  it('has the reference table of twelve dates', () => {
    expect(table).toHaveLength(12);
  });

  it.each(table)('$date: sunrise, sunset and civil twilight within 1 min (UTC)', (row) => {
    const day = parseIsoDate(row['date'] ?? '');
    const t = sun.times(day);
    const utc = (name: string) => Date.parse(row[name] ?? '');
    for (const [ours, name] of [
      [t.sunrise, 'sunrise_utc'],
      [t.sunset, 'sunset_utc'],
      [t.civilDawn, 'civil_dawn_utc'],
      [t.civilDusk, 'civil_dusk_utc'],
    ] as const) {
      expect(ours, name).not.toBeNull();
      expect(Math.abs((ours ?? 0) - utc(name)), name).toBeLessThanOrEqual(MINUTE_MS);
    }
  });

  it.each(table)('$date: sunrise and sunset within 1 min in local time (CET/CEST)', (row) => {
    const day = parseIsoDate(row['date'] ?? '');
    const t = sun.times(day);
    for (const [ours, name] of [
      [t.sunrise, 'sunrise_local'],
      [t.sunset, 'sunset_local'],
    ] as const) {
      const expected = local(row[name] ?? '');
      const at = ours ?? 0;
      // The local date, offset and wall time through the IANA zone, as the controller reads them.
      expect(paris.localDay(at)).toBe(day);
      expect(paris.offsetAt(at), name).toBe(expected.offsetMs);
      const wall = ((at + paris.offsetAt(at)) % 86_400_000) / MINUTE_MS;
      expect(Math.abs(wall - expected.wallMinutes), name).toBeLessThanOrEqual(1);
    }
  });

  it('gives the sun event instants by name', () => {
    const day = parseIsoDate('2026-06-21');
    const t = sun.times(day);
    expect(sun.event(day, 'sunset')).toBe(t.sunset);
    expect(sun.event(day, 'civil-dusk')).toBe(t.civilDusk);
    expect(sun.event(day, 'sunrise')).toBe(t.sunrise);
    expect(sun.event(day, 'civil-dawn')).toBe(t.civilDawn);
    expect(t.polar).toBeNull();
  });

  it('reports the days the sun does not set or rise, near the poles', () => {
    const tromso = new SunClock({ latitude: 69.65, longitude: 18.96 });
    const midsummer = tromso.times(parseIsoDate('2026-06-21'));
    expect(midsummer).toMatchObject({ sunrise: null, sunset: null, polar: 'day' });
    const midwinter = tromso.times(parseIsoDate('2026-12-21'));
    expect(midwinter).toMatchObject({ sunrise: null, sunset: null, polar: 'night' });
  });
});
