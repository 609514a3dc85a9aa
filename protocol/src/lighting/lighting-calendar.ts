import { z } from 'zod';
import { daysInMonth, parseIsoDate, WEEKDAYS } from './calendar-date.js';
import { DisplayName, LightingId, ZoneSelector } from './schema-parts.js';

// The calendar: an ordered list of rules, each choosing a program for the nights it matches.
// List order is priority: the first rule that matches a zone's night wins. A rule's conditions
// all have to hold (`weekdays: [fri, sat]` with `between: {from: 07-01, to: 08-31}` is the
// summer weekends). A night is the local date it starts on: Friday night is the night from
// Friday evening to Saturday morning. Matching a night is the edge agent's (lighting-calendar.ts).

const YEARLY = /^(\d{2})-(\d{2})$/;

/** `MM-DD` (every year) → month * 100 + day; null when not such a date. */
function monthDay(text: string): number | null {
  const m = YEARLY.exec(text);
  if (m === null) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  // 02-29 is a date (of leap years, 2024 is one); 02-30 is not.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2024, month)) return null;
  return month * 100 + day;
}

/** A rule's date, read: a yearly `MM-DD` (month * 100 + day) or one day (a day number). */
export type CalendarDateSpec = { kind: 'yearly'; md: number } | { kind: 'once'; day: number };

const DateSpecSchema = z.string().transform((text, ctx): CalendarDateSpec => {
  const md = monthDay(text);
  if (md !== null) return { kind: 'yearly', md };
  const day = parseIsoDate(text);
  if (!Number.isNaN(day)) return { kind: 'once', day };
  ctx.addIssue({
    code: 'custom',
    message: `expected a date YYYY-MM-DD or a yearly date MM-DD, found ${JSON.stringify(text)}`,
  });
  return z.NEVER;
});

const Between = z
  .strictObject({ from: DateSpecSchema, to: DateSpecSchema })
  .superRefine((b, ctx) => {
    if (b.from.kind !== b.to.kind) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'from and to must both be YYYY-MM-DD or both be MM-DD (yearly)',
      });
    } else if (b.from.kind === 'once' && b.to.kind === 'once' && b.to.day < b.from.day) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
    }
  });

const WeekdaySchema = z.enum(WEEKDAYS, { error: `a weekday: ${WEEKDAYS.join(', ')}` });

const NthWeekday = z.strictObject({
  /** 1–5, or `last`. */
  nth: z.union(
    [
      z
        .int({ error: "1-5 or 'last'" })
        .min(1, { error: "1-5 or 'last'" })
        .max(5, { error: "1-5 or 'last'" }),
      z.literal('last'),
    ],
    { error: "1-5 or 'last'" },
  ),
  weekday: WeekdaySchema,
});

const When = z
  .strictObject({
    /** Single nights: `2026-07-11` once, `07-14` every year. */
    dates: z.array(DateSpecSchema).min(1, { error: 'at least one date' }).optional(),
    /** A range of nights, both ends included; a yearly range may wrap (`12-01` to `01-06`). */
    between: Between.optional(),
    weekdays: z.array(WeekdaySchema).min(1, { error: 'at least one weekday' }).optional(),
    /** `{nth: 2, weekday: mon}`: the second Monday of the month; `{nth: last, …}`. */
    nthWeekday: NthWeekday.optional(),
    months: z
      .array(
        z
          .int({ error: 'a month 1-12' })
          .min(1, { error: 'a month 1-12' })
          .max(12, { error: 'a month 1-12' }),
      )
      .min(1, { error: 'at least one month' })
      .optional(),
    /** `on`: a public holiday's night; `eve`: the night before one. */
    holiday: z.enum(['on', 'eve'], { error: "'on' or 'eve'" }).optional(),
  })
  .refine((w) => Object.values(w).some((v) => v !== undefined), {
    error: 'a rule needs at least one condition (every night is what defaultProgram is for)',
  });

/** A calendar rule. */
export const CalendarRuleSchema = z.strictObject({
  /** Names the rule in the reason trace: `calendar: rule 'weekday' → …`. */
  name: DisplayName('a rule name'),
  program: LightingId('program id'),
  zones: ZoneSelector.default('all'),
  when: When,
});
export type CalendarRule = z.output<typeof CalendarRuleSchema>;
