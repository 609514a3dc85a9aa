import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseIsoDate } from '../../../../src/modules/lighting/control/civil-date.js';
import {
  CalendarRuleSchema,
  matchCalendar,
  type CalendarRule,
} from '../../../../src/modules/lighting/control/lighting-calendar.js';
import { HolidayCalendar } from '../../../../src/modules/lighting/control/public-holidays.js';

const holidays = new HolidayCalendar('fr');
const rules = (list: z.input<typeof CalendarRuleSchema>[]): CalendarRule[] =>
  z.array(CalendarRuleSchema).parse(list);

/** The name of the rule that wins a zone's night, or null. */
const winner = (calendar: CalendarRule[], date: string, zone = 'place') =>
  matchCalendar(calendar, zone, parseIsoDate(date), holidays)?.rule.name ?? null;

describe('the lighting calendar', () => {
  it('takes the first matching rule: list order is priority', () => {
    const calendar = rules([
      { name: 'bastille', program: 'festive', when: { dates: ['07-14'] } },
      { name: 'holiday', program: 'sunday', when: { holiday: 'on' } },
      { name: 'weekend', program: 'weekend', when: { weekdays: ['fri', 'sat'] } },
      { name: 'summer', program: 'summer', when: { between: { from: '06-01', to: '08-31' } } },
    ]);
    expect(winner(calendar, '2026-07-14')).toBe('bastille'); // a Tuesday and a holiday
    expect(winner(calendar, '2026-08-15')).toBe('holiday'); // a Saturday and a holiday
    expect(winner(calendar, '2026-08-14')).toBe('weekend'); // a Friday in summer
    expect(winner(calendar, '2026-08-13')).toBe('summer');
    expect(winner(calendar, '2026-09-02')).toBeNull();
    // The same rules in another order give other winners.
    const reversed = [...calendar].reverse();
    expect(winner(reversed, '2026-07-14')).toBe('summer');
    expect(winner(reversed, '2026-11-11')).toBe('holiday');
  });

  it('reports which holiday matched, and matches eves', () => {
    const calendar = rules([
      { name: 'holiday', program: 'sunday', when: { holiday: 'on' } },
      { name: 'holiday eve', program: 'weekend', when: { holiday: 'eve' } },
    ]);
    const on = matchCalendar(calendar, 'place', parseIsoDate('2026-05-14'), holidays);
    expect(on).toMatchObject({ index: 0, holiday: 'Ascension Day' });
    const eve = matchCalendar(calendar, 'place', parseIsoDate('2026-05-13'), holidays);
    expect(eve).toMatchObject({ index: 1, holiday: 'eve of Ascension Day' });
    // New Year's Eve is the eve of next year's first holiday.
    expect(winner(calendar, '2026-12-31')).toBe('holiday eve');
    expect(winner(calendar, '2026-05-15')).toBeNull();
  });

  it('matches the nth and the last weekday of a month', () => {
    const calendar = rules([
      {
        name: 'second monday',
        program: 'market',
        when: { nthWeekday: { nth: 2, weekday: 'mon' } },
      },
      {
        name: 'last friday of june',
        program: 'music',
        when: { nthWeekday: { nth: 'last', weekday: 'fri' }, months: [6] },
      },
    ]);
    expect(winner(calendar, '2026-06-08')).toBe('second monday');
    expect(winner(calendar, '2026-06-01')).toBeNull();
    expect(winner(calendar, '2026-06-15')).toBeNull();
    expect(winner(calendar, '2026-11-09')).toBe('second monday');
    expect(winner(calendar, '2026-06-26')).toBe('last friday of june');
    expect(winner(calendar, '2026-06-19')).toBeNull();
    expect(winner(calendar, '2026-07-31')).toBeNull(); // the last Friday, but of July
  });

  it('matches one-off dates, date ranges and yearly ranges across New Year', () => {
    const calendar = rules([
      { name: 'fete', program: 'festive', when: { dates: ['2026-07-11'] } },
      {
        name: 'works',
        program: 'dim',
        when: { between: { from: '2026-10-05', to: '2026-10-09' } },
      },
      { name: 'christmas', program: 'festive', when: { between: { from: '12-01', to: '01-06' } } },
    ]);
    expect(winner(calendar, '2026-07-11')).toBe('fete');
    expect(winner(calendar, '2027-07-11')).toBeNull();
    expect(winner(calendar, '2026-10-05')).toBe('works');
    expect(winner(calendar, '2026-10-09')).toBe('works');
    expect(winner(calendar, '2026-10-10')).toBeNull();
    expect(winner(calendar, '2026-12-01')).toBe('christmas');
    expect(winner(calendar, '2027-01-06')).toBe('christmas');
    expect(winner(calendar, '2027-01-07')).toBeNull();
    expect(winner(calendar, '2026-11-30')).toBeNull();
  });

  it('needs every condition of a rule to hold', () => {
    const calendar = rules([
      {
        name: 'summer weekends',
        program: 'weekend',
        when: { weekdays: ['fri', 'sat'], between: { from: '07-01', to: '08-31' } },
      },
    ]);
    expect(winner(calendar, '2026-07-03')).toBe('summer weekends');
    expect(winner(calendar, '2026-07-02')).toBeNull();
    expect(winner(calendar, '2026-09-04')).toBeNull();
  });

  it('applies a rule to its zones only', () => {
    const calendar = rules([
      { name: 'park closes', program: 'off', zones: ['park'], when: { weekdays: ['mon'] } },
      { name: 'mondays', program: 'standard', when: { weekdays: ['mon'] } },
    ]);
    expect(winner(calendar, '2026-06-01', 'park')).toBe('park closes');
    expect(winner(calendar, '2026-06-01', 'place')).toBe('mondays');
  });

  it('rejects rules that cannot mean anything, with clear messages', () => {
    const messages = (rule: unknown) => {
      const result = CalendarRuleSchema.safeParse(rule);
      return result.success
        ? []
        : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(messages({ name: 'x', program: 'p', when: {} })).toEqual([
      'when: a rule needs at least one condition (every night is what defaultProgram is for)',
    ]);
    expect(messages({ name: 'x', program: 'p', when: { dates: ['2026-02-30'] } })).toEqual([
      'when.dates.0: expected a date YYYY-MM-DD or a yearly date MM-DD, found "2026-02-30"',
    ]);
    expect(
      messages({ name: 'x', program: 'p', when: { between: { from: '12-01', to: '2027-01-06' } } }),
    ).toEqual(['when.between.to: from and to must both be YYYY-MM-DD or both be MM-DD (yearly)']);
    expect(messages({ name: 'x', program: 'p', when: { weekdays: ['monday'] } })[0]).toBe(
      'when.weekdays.0: a weekday: mon, tue, wed, thu, fri, sat, sun',
    );
    expect(
      messages({ name: 'x', program: 'p', when: { nthWeekday: { nth: 6, weekday: 'mon' } } }),
    ).toEqual(["when.nthWeekday.nth: 1-5 or 'last'"]);
    // 29 February is a yearly date (of leap years).
    expect(messages({ name: 'x', program: 'p', when: { dates: ['02-29'] } })).toEqual([]);
  });
});
