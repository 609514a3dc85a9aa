import { describe, expect, it } from 'vitest';
import {
  LightingControlConfigSchema,
  ProgramSchema,
  STANDARD_PROGRAM,
  WEEKEND_PROGRAM,
} from '../src/index.js';

describe('typical control programs', () => {
  it('reads the standard program as docs/lighting.md says it: 100 % → 23:00, 60 % → 05:30, 80 %', () => {
    expect(ProgramSchema.parse(STANDARD_PROGRAM).steps).toEqual([
      { level: 100, until: { kind: 'time', minutes: 23 * 60 } },
      { level: 60, until: { kind: 'time', minutes: 5 * 60 + 30 } },
      { level: 80, until: { kind: 'switch-off' } },
    ]);
  });

  it('reads the weekend program with its sun-relative step', () => {
    expect(ProgramSchema.parse(WEEKEND_PROGRAM).steps).toEqual([
      { level: 100, until: { kind: 'time', minutes: 60 } },
      { level: 60, until: { kind: 'sun', event: 'sunrise', offsetMinutes: -30 } },
      { level: 80, until: { kind: 'switch-off' } },
    ]);
  });

  it('lets a configuration name both by id in its calendar', () => {
    const config = LightingControlConfigSchema.parse({
      programs: [STANDARD_PROGRAM, WEEKEND_PROGRAM],
      defaultProgram: STANDARD_PROGRAM.id,
      calendar: [{ name: 'weekend', program: WEEKEND_PROGRAM.id, when: { weekdays: ['sat'] } }],
    });
    expect(config.programs.map((p) => p.id)).toEqual(['standard', 'weekend']);
  });
});
