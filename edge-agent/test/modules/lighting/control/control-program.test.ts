import { describe, expect, it } from 'vitest';
import {
  nightOrder,
  ProgramSchema,
} from '../../../../src/modules/lighting/control/control-program.js';

const messages = (input: unknown) => {
  const result = ProgramSchema.safeParse(input);
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('control programs', () => {
  it('reads time steps, sun steps and the last step until switch-off', () => {
    const program = ProgramSchema.parse({
      id: 'standard',
      steps: [
        { level: 100, until: '23:00' },
        { level: 60, until: { at: 'sunrise', offsetMinutes: -30 } },
        { level: 80, until: 'switch-off' },
      ],
    });
    expect(program.steps.map((s) => s.until)).toEqual([
      { kind: 'time', minutes: 23 * 60 },
      { kind: 'sun', event: 'sunrise', offsetMinutes: -30 },
      { kind: 'switch-off' },
    ]);
    const short = ProgramSchema.parse({ id: 'full', steps: [{ level: 100 }] });
    expect(short.steps[0]?.until).toEqual({ kind: 'switch-off' });
  });

  it('orders wall times through the night, noon to noon', () => {
    expect(nightOrder(12 * 60)).toBe(0);
    expect(nightOrder(23 * 60)).toBe(11 * 60);
    expect(nightOrder(0)).toBe(12 * 60);
    expect(nightOrder(5 * 60 + 30)).toBe(17 * 60 + 30);
    expect(nightOrder(11 * 60 + 59)).toBeGreaterThan(nightOrder(0));
  });

  it('explains a malformed program', () => {
    expect(messages({ id: 'p', steps: [] })).toEqual(['steps: a program needs at least one step']);
    expect(messages({ id: 'p', steps: [{ level: 100, until: '23:00' }] })).toEqual([
      "steps.0.until: the last step lasts until switch-off: leave out its 'until', or add a step (level 0 to switch off for the rest of the night)",
    ]);
    expect(messages({ id: 'p', steps: [{ level: 100 }, { level: 50 }] })).toEqual([
      "steps.0.until: only the last step may last until switch-off: give this step an 'until'",
    ]);
    expect(
      messages({
        id: 'p',
        steps: [{ level: 100, until: '05:30' }, { level: 60, until: '23:00' }, { level: 80 }],
      }),
    ).toEqual([
      'steps.1.until: this step ends before step 1 does (a night runs from noon to noon)',
    ]);
    expect(messages({ id: 'p', steps: [{ level: 100, until: '24:00' }, { level: 1 }] })).toEqual([
      "steps.0.until: a step's until: a local time HH:MM, {at: <sun event>, offsetMinutes}, or 'switch-off'",
    ]);
    expect(messages({ id: 'P', steps: [{ level: 50.5 }] })).toEqual([
      'id: program id must be 1-40 lower-case letters, digits or inner dashes',
      'steps.0.level: a level must be a whole percentage',
    ]);
  });
});
