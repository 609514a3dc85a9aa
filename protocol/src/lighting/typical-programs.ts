import type { z } from 'zod';
import type { ProgramSchema } from './control-program.js';

// The two programs of the example in docs/lighting.md, which the demo town and the benchmark
// town both run: weeknights at full light in the evening, dimmed for the quiet hours and
// brighter for the morning; weekend nights bright until 01:00 and dimmed until shortly before
// sunrise. In input form, as a configuration writes them, so a town lists them beside its own
// programs and its calendar names them by id.

/** A control program as written in a configuration (defaults may be left out). */
export type ControlProgramInput = z.input<typeof ProgramSchema>;

/** Weeknights: 100 % until 23:00, 60 % until 05:30, then 80 % until switch-off. */
export const STANDARD_PROGRAM: ControlProgramInput = {
  id: 'standard',
  steps: [{ level: 100, until: '23:00' }, { level: 60, until: '05:30' }, { level: 80 }],
};

/** Friday, Saturday and holiday nights: 100 % until 01:00, 60 % until sunrise −30 min, 80 %. */
export const WEEKEND_PROGRAM: ControlProgramInput = {
  id: 'weekend',
  steps: [
    { level: 100, until: '01:00' },
    { level: 60, until: { at: 'sunrise', offsetMinutes: -30 } },
    { level: 80 },
  ],
};
