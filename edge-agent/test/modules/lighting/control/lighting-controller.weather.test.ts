import { describe, expect, it } from 'vitest';
import type { WeatherInput } from '../../../../src/modules/lighting/control/weather-adjustment.js';
import { at, controller } from './lighting-test-config.js';

const MINUTE_MS = 60_000;
const fog = (observedAt: number, extra: Partial<WeatherInput> = {}): WeatherInput => ({
  observedAt,
  fog: true,
  heavyRain: false,
  ...extra,
});

describe('the weather', () => {
  const c = controller({ weather: { snowLower: 40, rainRaise: 30 } });
  const now = at('2026-01-16T01:00:00+01:00'); // the 60 % step
  const road = (weather: WeatherInput | null) => c.decide('road', { weather }, now);

  it('raises in fog and heavy rain, by the larger step, never over 100 %', () => {
    expect(road(fog(now)).level).toBe(80);
    expect(road({ observedAt: now, fog: false, heavyRain: true }).level).toBe(90);
    expect(road({ observedAt: now, fog: true, heavyRain: true }).level).toBe(90);
    // Visibility under 1 km is fog, whatever the flag says.
    expect(road({ observedAt: now, fog: false, heavyRain: false, visibilityM: 400 }).level).toBe(
      80,
    );
    expect(road({ observedAt: now, fog: false, heavyRain: false, visibilityM: 4000 }).level).toBe(
      60,
    );
    const early = at('2026-01-15T20:00:00+01:00');
    const capped = c.decide('road', { weather: fog(early) }, early);
    expect(capped.level).toBe(100);
    expect(capped.reasons).toContain('weather: fog → +20 % (capped at 100 %)');
  });

  it('ignores a stale report, and says so', () => {
    expect(road(fog(now - 90 * MINUTE_MS)).level).toBe(80);
    const stale = road(fog(now - 91 * MINUTE_MS));
    expect(stale.level).toBe(60);
    expect(stale.reasons).toContain(
      'weather: stale (observed 1 h 31 min ago, limit 90 min) → ignored, program level',
    );
    const future = road(fog(now + 30 * MINUTE_MS));
    expect(future.level).toBe(60);
    expect(future.reasons).toContain(
      'weather: observed 30 min ahead of the clock → ignored, program level',
    );
  });

  it('lowers with snow cover when configured, never under the class minimum', () => {
    const snow = { observedAt: now, fog: false, heavyRain: false, snowCover: true };
    expect(road(snow).level).toBe(30); // 60 - 40 = 20, held at M4's 30 %
    expect(c.decide('square', { weather: snow }, now).level).toBe(30); // P3's 30 %
    expect(road({ ...snow, heavyRain: true }).level).toBe(90); // rain wins over snow
    expect(controller().decide('road', { weather: snow }, now).level).toBe(60); // off by default
  });

  it('does not light a zone the program switched off', () => {
    const c2 = controller({ defaultProgram: 'part-night' });
    const off = c2.decide('road', { weather: fog(now) }, now);
    expect(off.level).toBe(0);
    expect(off.reasons).toContain('weather: fog → no change (the program has the lamps off)');
  });
});
