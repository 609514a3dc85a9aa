import type { CalendarDateSpec, CalendarRule } from '@hameau/protocol';
import { civilDate, isNthWeekday, isoWeekday, WEEKDAYS, type Weekday } from './civil-date.js';
import type { HolidayCalendar } from './public-holidays.js';
import { selectsZone } from './schema-parts.js';

// Matching the calendar: an ordered list of rules (their schema is in @hameau/protocol), each
// choosing a program for the nights it matches. List order is priority: the first rule that
// matches a zone's night wins. A rule's conditions all have to hold. A night is the local date
// it starts on: Friday night is the night from Friday evening to Saturday morning.

export { CalendarRuleSchema, type CalendarRule } from '@hameau/protocol';

/** The rule that chose a night's program, and the holiday that made it match, if any. */
export interface CalendarMatch {
  readonly index: number;
  readonly rule: CalendarRule;
  readonly holiday: string | null;
}

function matchesDate(spec: CalendarDateSpec, dayNum: number, md: number): boolean {
  return spec.kind === 'once' ? spec.day === dayNum : spec.md === md;
}

function inBetween(
  from: CalendarDateSpec,
  to: CalendarDateSpec,
  dayNum: number,
  md: number,
): boolean {
  if (from.kind === 'once' && to.kind === 'once') return dayNum >= from.day && dayNum <= to.day;
  if (from.kind === 'yearly' && to.kind === 'yearly') {
    return from.md <= to.md ? md >= from.md && md <= to.md : md >= from.md || md <= to.md;
  }
  return false;
}

const weekdayNumber = (w: Weekday) => WEEKDAYS.indexOf(w) + 1;

/**
 * Whether a rule's conditions hold for a night; when one of them is a holiday, returns the
 * holiday's name (for the trace), else true. False when it does not match.
 */
export function ruleMatches(
  when: CalendarRule['when'],
  dayNum: number,
  holidays: HolidayCalendar,
): boolean | string {
  const { month, day } = civilDate(dayNum);
  const md = month * 100 + day;
  if (when.dates !== undefined && !when.dates.some((d) => matchesDate(d, dayNum, md))) return false;
  if (when.between !== undefined && !inBetween(when.between.from, when.between.to, dayNum, md))
    return false;
  if (
    when.weekdays !== undefined &&
    !when.weekdays.some((w) => weekdayNumber(w) === isoWeekday(dayNum))
  )
    return false;
  if (when.months?.includes(month) === false) return false;
  if (when.nthWeekday !== undefined) {
    const { nth, weekday } = when.nthWeekday;
    if (weekdayNumber(weekday) !== isoWeekday(dayNum) || !isNthWeekday(dayNum, nth)) return false;
  }
  if (when.holiday !== undefined) {
    const name = holidays.nameOn(when.holiday === 'on' ? dayNum : dayNum + 1);
    if (name === undefined) return false;
    return when.holiday === 'on' ? name : `eve of ${name}`;
  }
  return true;
}

/** The first rule of the calendar that selects this zone on this night, or null. */
export function matchCalendar(
  rules: readonly CalendarRule[],
  zoneId: string,
  dayNum: number,
  holidays: HolidayCalendar,
): CalendarMatch | null {
  for (const [index, rule] of rules.entries()) {
    if (!selectsZone(rule.zones, zoneId)) continue;
    const result = ruleMatches(rule.when, dayNum, holidays);
    if (result === false) continue;
    return { index, rule, holiday: typeof result === 'string' ? result : null };
  }
  return null;
}
