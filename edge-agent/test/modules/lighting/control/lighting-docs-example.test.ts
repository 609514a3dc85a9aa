import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LightingControlConfigSchema } from '../../../../src/modules/lighting/control/lighting-control-config.js';
import { LightingController } from '../../../../src/modules/lighting/control/lighting-controller.js';
import { at } from './lighting-test-config.js';

// docs/lighting.md shows a whole configuration: it must stay one the schema accepts, and do
// what the page says.
const doc = readFileSync(new URL('../../../../../docs/lighting.md', import.meta.url), 'utf8');
const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

describe('the configuration example of docs/lighting.md', () => {
  const config = LightingControlConfigSchema.parse(parse(yaml));
  const c = new LightingController(config);

  it('is valid', () => {
    expect(config.zones.map((z) => z.id)).toEqual(['connetable', 'omer-vallon', 'lane']);
    expect(config.classMinimums.M4).toBe(35);
  });

  it('dims as described', () => {
    // Thursday 15 January 2026: the lane's weekday rule, part-night lighting.
    expect(c.decide('lane', {}, at('2026-01-16T02:00:00+01:00')).level).toBe(0);
    expect(c.decide('connetable', {}, at('2026-01-16T02:00:00+01:00')).level).toBe(60);
    // Ascension (Thursday 14 May 2026) takes the weekend program: 100 % until 01:00.
    const ascension = c.decide('connetable', {}, at('2026-05-15T00:30:00+02:00'));
    expect(ascension.level).toBe(100);
    expect(ascension.reasons[1]).toBe(
      "calendar: rule 'holidays' (Ascension Day) → program 'weekend' step until 01:00 → 100 %",
    );
    // The fête lights its square from sunset.
    expect(c.decide('omer-vallon', {}, at('2026-07-11T22:30:00+02:00')).mode).toBe('event');
    // The lane switches on 15 min after sunset.
    const plan = c.plan('lane', c.nightOf(at('2026-01-15T20:00:00+01:00')));
    expect(plan.switchOn).toBe((c.sun.times(plan.night).sunset ?? 0) + 15 * 60_000);
  });
});
