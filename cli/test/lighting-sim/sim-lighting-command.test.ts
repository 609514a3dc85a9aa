import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';
import type { SimSummary } from '../../src/lighting-sim/sim-summary.js';

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const done = main(argv, {
    env: {},
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { done, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'hameau-sim-lighting-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** An Open-Meteo hourly body: `hours` hours of fog from `start` (local time, UTC+2). */
function openMeteo(start: string, hours: number, weatherCode: number): string {
  const t0 = Date.parse(`${start}:00+02:00`);
  const time = Array.from({ length: hours }, (_, i) =>
    new Date(t0 + i * 3_600_000 + 2 * 3_600_000).toISOString().slice(0, 16),
  );
  return JSON.stringify({
    utc_offset_seconds: 7200,
    hourly: {
      time,
      weather_code: time.map(() => weatherCode),
      precipitation: time.map(() => 0),
      visibility: time.map(() => (weatherCode === 45 ? 200 : 30_000)),
      snow_depth: time.map(() => 0),
    },
  });
}

describe('hameau sim lighting', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = run(['sim', 'lighting', '--help']);
    expect(await r.done).toBe(0);
    expect(r.out[0]).toMatch(/^usage: hameau sim lighting \[--days N\]/);
    expect(r.out.join('\n')).toContain('--weather FILE');
  });

  it('other `hameau sim` arguments still go to the device simulators', async () => {
    const r = run(['sim', '--help']);
    expect(await r.done).toBe(0);
    expect(r.out[0]).toMatch(/^usage: hameau sim --scenario FILE/);
  });

  it('bad options exit 2 with every problem named', async () => {
    const r = run(['sim', 'lighting', '--days', '0', '--start', '2026-02-30', '--zones', 'x']);
    expect(await r.done).toBe(2);
    const text = r.err.join('\n');
    expect(text).toContain('--days: a whole number 1-3660, got "0"');
    expect(text).toContain('--start: a date YYYY-MM-DD, got "2026-02-30"');
    expect(text).toContain('--zones: a whole number 1-1000, got "x"');
    const unknown = run(['sim', 'lighting', '--nights', '3']);
    expect(await unknown.done).toBe(2);
    expect(unknown.err[0]).toMatch(/Unknown option '--nights'/);
  });

  it('a short summer run meets the target with no violation: exit 0, --json readable', async () => {
    const r = run([
      'sim',
      'lighting',
      '--start',
      '2026-06-01',
      '--days',
      '3',
      '--zones',
      '24',
      '--json',
    ]);
    expect(await r.done).toBe(0);
    const summary = JSON.parse(r.out.join('\n')) as SimSummary;
    expect(summary).toMatchObject({ town: 'Chantilly', zones: 24, ok: true });
    expect(summary.period.nights).toBe(3);
    expect(summary.violations.total).toBe(0);
    expect(summary.energy.met).toBe(true);
    expect(summary.decisions).toBe(24 * 3 * 24 * 60);
    expect(summary.zoneTable.map((z) => z.id)).toContain('chemin-des-aigles-2');
  });

  it('prints a readable summary', async () => {
    const r = run(['sim', 'lighting', '--start', '2026-06-08', '--days', '2']);
    expect(await r.done).toBe(0);
    const text = r.out.join('\n');
    expect(text).toMatch(/^Chantilly: 12 zones, 2 nights from 2026-06-08T12:00\+02:00/);
    expect(text).toMatch(/energy: .* kWh saved, \d+\.\d % \(target ≥ 35 %: met\)/);
    expect(text).toMatch(
      /modes \(zone-hours\): off [\d,]+ · program [\d,]+ · event 0 · override 0 · failsafe 0/,
    );
    expect(text).toContain('violations: 0');
    expect(r.out.at(-1)).toBe('result: ok');
  });

  it('exits 1 when the savings miss the target', async () => {
    const allNight = file(
      'all-night.yaml',
      `name: All night
lighting:
  zones: [{ id: road, name: Road, class: M3, lamps: [{ count: 10, ratedW: 90 }] }]
`,
    );
    const r = run(['sim', 'lighting', '--town', allNight, '--days', '2']);
    expect(await r.done).toBe(1);
    expect(r.out.join('\n')).toMatch(/0\.0 % \(target ≥ 35 %: MISSED\)/);
    expect(r.out.at(-1)).toBe('result: FAILED');
    // The same town meets a target of 0 %.
    const zero = run(['sim', 'lighting', '--town', allNight, '--days', '2', '--target', '0']);
    expect(await zero.done).toBe(0);
  });

  it('an invalid town file exits 2 with the problem and its line', async () => {
    const bad = file(
      'bad.yaml',
      'name: Bad\nlighting:\n  zones: [{ id: Road, name: R, class: M3 }]\n',
    );
    const r = run(['sim', 'lighting', '--town', bad, '--days', '1']);
    expect(await r.done).toBe(2);
    expect(r.err.join('\n')).toMatch(/lighting\.zones\[0\]\.id: zone id must be .*\(line 3\)/);
  });

  it('reads a recorded Open-Meteo hourly file with --weather', async () => {
    const fog = file('fog.json', openMeteo('2026-06-01T12:00', 72, 45));
    const r = run([
      'sim',
      'lighting',
      '--start',
      '2026-06-01',
      '--days',
      '3',
      '--weather',
      fog,
      '--target',
      '0',
      '--json',
    ]);
    expect(await r.done).toBe(0);
    const foggy = JSON.parse(r.out.join('\n')) as SimSummary;
    expect(foggy.weather).toMatchObject({ reports: 72, fogHours: 72, heavyRainHours: 0 });
    expect(foggy.weather.source).toContain(fog);
    expect(foggy.weather.freshPct).toBeCloseTo(100, 6);

    // Clear skies for the same nights: fog raised every lit level, so it cost energy.
    const clear = file('clear.json', openMeteo('2026-06-01T12:00', 72, 0));
    const c = run([
      'sim',
      'lighting',
      '--start',
      '2026-06-01',
      '--days',
      '3',
      '--weather',
      clear,
      '--target',
      '0',
      '--json',
    ]);
    expect(await c.done).toBe(0);
    const clearSummary = JSON.parse(c.out.join('\n')) as SimSummary;
    expect(clearSummary.weather.fogHours).toBe(0);
    expect(foggy.energy.kWh).toBeGreaterThan(clearSummary.energy.kWh * 1.1);
  });

  it('refuses a weather file that does not cover the period', async () => {
    const old = file('old.json', openMeteo('2025-06-01T12:00', 24, 0));
    const r = run(['sim', 'lighting', '--start', '2026-06-01', '--days', '1', '--weather', old]);
    expect(await r.done).toBe(2);
    expect(r.err.join('\n')).toMatch(/none of the simulated period: give --start within it/);
    const broken = file('broken.json', '{"hourly": 3}');
    const b = run(['sim', 'lighting', '--days', '1', '--weather', broken]);
    expect(await b.done).toBe(2);
    expect(b.err.join('\n')).toMatch(/weather report not understood/);
  });
});
