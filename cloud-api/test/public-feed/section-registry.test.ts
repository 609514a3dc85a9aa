import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineSection } from '../../src/public-feed/feed-section.js';
import { reasonOf } from '../../src/public-feed/lighting-feed-section.js';
import { SectionRegistry } from '../../src/public-feed/section-registry.js';
import { scriptedSection, T0, telemetry } from './feed-fixtures.js';

describe('SectionRegistry', () => {
  it('keeps the sections in page order and finds those a message triggers', () => {
    const energy = scriptedSection('energy', 'energy');
    const lighting = scriptedSection('lighting', 'lighting');
    const also = scriptedSection('energy-tips', 'energy');
    const registry = new SectionRegistry([energy.section, lighting.section, also.section]);
    expect(registry.keys).toEqual(['energy', 'lighting', 'energy-tips']);
    expect(registry.triggered(telemetry('energy', T0))).toEqual(['energy', 'energy-tips']);
    expect(registry.triggered(telemetry('lighting', T0))).toEqual(['lighting']);
    expect(registry.triggered(telemetry('weather', T0))).toEqual([]);
  });

  it('refuses a taken key, a key that is not a plain id, and a refresh that never comes', () => {
    const energy = scriptedSection('energy', 'energy');
    expect(() => new SectionRegistry([energy.section, energy.section])).toThrow(
      'feed section key "energy" is taken',
    );
    expect(() => new SectionRegistry([scriptedSection('Energy', 'energy').section])).toThrow(
      'feed section key "Energy": lower-case letters, digits, -',
    );
    expect(() => new SectionRegistry([{ ...energy.section, key: 'budget', refreshMs: 0 }])).toThrow(
      'feed section budget: refreshMs must be > 0',
    );
  });

  it('checks each computed section against its own schema', async () => {
    const broken = defineSection({
      key: 'budget',
      schema: z.object({ spentEur: z.number() }).strict(),
      refreshMs: 60_000,
      triggers: () => false,
      // A section that breaks its contract: the type system is bypassed on purpose.
      compute: () => Promise.resolve({ spentEur: 'a lot' } as unknown as { spentEur: number }),
    });
    const registry = new SectionRegistry([broken]);
    await expect(registry.compute('budget', T0)).rejects.toThrow(/spentEur/);
    await expect(registry.compute('incidents', T0)).rejects.toThrow('no feed section "incidents"');
  });

  it('makes the sections schema from the sections, each nullable', () => {
    const registry = new SectionRegistry([scriptedSection('energy', 'energy').section]);
    const schema = registry.sectionsSchema();
    expect(schema.parse({ energy: { value: 1 } })).toEqual({ energy: { value: 1 } });
    expect(schema.parse({ energy: null })).toEqual({ energy: null });
    expect(() => schema.parse({ energy: null, budget: 1 })).toThrow();
  });
});

describe('the lighting section’s reason line', () => {
  const trace = [
    'astro: night (sunset 17:19 +0 min, until sunrise 08:38 +0 min)',
    "calendar: rule 'weekday' → program 'standard' step until 05:30 → 60 %",
    "event 'Fête' → 100 % until 01:00",
    "override 'long' (issued 10:00) superseded by 'short' (issued 11:00)",
    "override 'short' → 90 % until 22:00 (issued 11:00)",
    'class M4 minimum 30 %',
  ];

  it.each([
    ['program', "calendar: rule 'weekday' → program 'standard' step until 05:30 → 60 %"],
    ['event', "event 'Fête' → 100 % until 01:00"],
    ['override', "override 'short' → 90 % until 22:00 (issued 11:00)"],
    ['off', 'astro: night (sunset 17:19 +0 min, until sunrise 08:38 +0 min)'],
    ['a-new-mode', 'astro: night (sunset 17:19 +0 min, until sunrise 08:38 +0 min)'],
  ])('is the stage that decided in mode %s', (mode, line) => {
    expect(reasonOf({ mode, reasons: trace })).toBe(line);
  });

  it('is cut to one short line, and null without a trace', () => {
    const long = `calendar: ${'x'.repeat(300)}`;
    const reason = reasonOf({ mode: 'program', reasons: [long] });
    expect(reason).toHaveLength(160);
    expect(reason?.endsWith('…')).toBe(true);
    expect(reasonOf({ mode: 'program', reasons: [] })).toBeNull();
  });
});
