import { describe, expect, it } from 'vitest';
import { ALL_NIGHT_PROGRAM, ProgramSchema } from '@hameau/protocol';
import {
  ALL_NIGHT_PROGRAM_INPUT,
  lightingSectionOf,
  putItem,
  removeItem,
  sectionIssues,
  withLightingSection,
} from '../../src/lighting/lighting-section.js';

describe('the lighting section of a desired configuration', () => {
  const config = {
    modules: { metering: { meters: [] }, lighting: { zones: [] } },
    comment: 'set by hand',
  };

  it('is read from modules.lighting, and absent when there is none', () => {
    expect(lightingSectionOf(config)).toEqual({ zones: [] });
    expect(lightingSectionOf(undefined)).toBeNull();
    expect(lightingSectionOf({ modules: { metering: {} } })).toBeNull();
    expect(lightingSectionOf({ modules: { lighting: [] } })).toBeNull();
  });

  it('is replaced without touching any other key or module', () => {
    const next = withLightingSection(config, { holidays: 'none' });
    expect(next).toEqual({
      modules: { metering: { meters: [] }, lighting: { holidays: 'none' } },
      comment: 'set by hand',
    });
    expect(config.modules.lighting).toEqual({ zones: [] });
    expect(withLightingSection(undefined, {})).toEqual({ modules: { lighting: {} } });
  });

  it('puts items by id, in place or appended, and removes them', () => {
    const a = { id: 'a', name: 'A', class: 'P3' };
    const b = { id: 'b', name: 'B', class: 'P4' };
    const one = putItem({}, 'zones', a);
    expect(one).toEqual({ section: { zones: [a] }, index: 0, created: true });
    const two = putItem(one.section, 'zones', b);
    const replaced = putItem(two.section, 'zones', { ...a, class: 'P1' });
    expect(replaced).toMatchObject({ index: 0, created: false });
    expect(replaced.section.zones).toEqual([{ ...a, class: 'P1' }, b]);
    expect(removeItem(replaced.section, 'zones', 'a')).toEqual({ zones: [b] });
    expect(removeItem(replaced.section, 'zones', 'nope')).toBeNull();
  });

  it('keeps the built-in program beside the first program added', () => {
    expect(ProgramSchema.parse(ALL_NIGHT_PROGRAM_INPUT)).toEqual(ALL_NIGHT_PROGRAM);
    const put = putItem({}, 'programs', { id: 'dark', steps: [{ level: 0 }] });
    expect(put.section.programs).toEqual([
      ALL_NIGHT_PROGRAM_INPUT,
      { id: 'dark', steps: [{ level: 0 }] },
    ]);
    expect(put.index).toBe(1);
  });

  it('names problems after the request when they are in the part it changed', () => {
    const section = {
      zones: [{ id: 'a', name: 'A', class: 'P3' }],
      events: [{ id: 'e', zones: ['b'] }],
    };
    const issues = sectionIssues(section, { at: ['events', 0], as: 'body' });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'body.end',
      'body.level',
      'body.name',
      'body.start',
    ]);
    const elsewhere = sectionIssues(section, { at: ['zones', 0], as: 'body' });
    expect(elsewhere.every((i) => i.path.startsWith('lighting.events.0.'))).toBe(true);
    expect(sectionIssues({}, null)).toEqual([]);
  });
});
