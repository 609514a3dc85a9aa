import { z } from 'zod';
import {
  DisplayName,
  Level,
  LightingId,
  OffsetMinutes,
  SunEventSchema,
  TimeOfDay,
} from './schema-parts.js';

// A control program (TALQ's term): the levels of one night, as steps from switch-on to
// switch-off. `100 % until 23:00, 60 % until 05:30, 80 % until switch-off`, or with the sun:
// `… 60 % until sunrise −30 min`. Level 0 is off: part-night lighting ("extinction en cœur de
// nuit", common in French towns) is a step at 0.

const NOON = 12 * 60;

/** When a step ends: a local wall time, a sun event with an offset, or switch-off. */
export const StepEnd = z.union(
  [
    TimeOfDay.transform((minutes) => ({ kind: 'time' as const, minutes })),
    z
      .strictObject({ at: SunEventSchema, offsetMinutes: OffsetMinutes(360) })
      .transform((s) => ({ kind: 'sun' as const, event: s.at, offsetMinutes: s.offsetMinutes })),
    z.literal('switch-off').transform(() => ({ kind: 'switch-off' as const })),
  ],
  {
    error: "a step's until: a local time HH:MM, {at: <sun event>, offsetMinutes}, or 'switch-off'",
  },
);
export type StepEnd = z.output<typeof StepEnd>;

const Step = z.strictObject({
  level: Level,
  /** Where the step ends; the last step ends at switch-off (the default). */
  until: StepEnd.default({ kind: 'switch-off' }),
});
export type ProgramStep = z.output<typeof Step>;

/**
 * Where a wall time falls in a night that starts at noon: 12:00 → 0 … 23:59 → 719, 00:00 →
 * 720 … 11:59 → 1439. A night belongs to the local date it starts on, so `05:30` is the
 * next morning.
 */
export function nightOrder(minutes: number): number {
  return minutes >= NOON ? minutes - NOON : minutes + NOON;
}

/** A named control program. */
export const ProgramSchema = z
  .strictObject({
    id: LightingId('program id'),
    name: DisplayName('a program name').optional(),
    steps: z.array(Step).min(1, { error: 'a program needs at least one step' }),
  })
  .superRefine((program, ctx) => {
    const last = program.steps.length - 1;
    let previous: { index: number; order: number } | null = null;
    program.steps.forEach((step, index) => {
      const until = step.until;
      if (index === last && until.kind !== 'switch-off') {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'until'],
          message:
            "the last step lasts until switch-off: leave out its 'until', or add a step " +
            '(level 0 to switch off for the rest of the night)',
        });
      }
      if (index < last && until.kind === 'switch-off') {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'until'],
          message: "only the last step may last until switch-off: give this step an 'until'",
        });
      }
      if (until.kind !== 'time') return;
      // Fixed times must follow each other through the night (sun-relative ones move with the
      // seasons, and are checked each night by clamping).
      const order = nightOrder(until.minutes);
      if (previous !== null && order <= previous.order) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'until'],
          message: `this step ends before step ${previous.index + 1} does (a night runs from noon to noon)`,
        });
      }
      previous = { index, order };
    });
  });
export type ControlProgram = z.output<typeof ProgramSchema>;

/** The program used when the configuration gives none: full light from dusk to dawn. */
export const ALL_NIGHT_PROGRAM: ControlProgram = {
  id: 'all-night',
  name: 'All night at 100 %',
  steps: [{ level: 100, until: { kind: 'switch-off' } }],
};
