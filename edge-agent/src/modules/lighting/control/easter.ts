import { dayNumber } from './civil-date.js';

/**
 * The day number of Easter Sunday (Western, Gregorian calendar) of a year, by the anonymous
 * Gregorian algorithm (Meeus/Jones/Butcher): the first Sunday after the ecclesiastical full moon
 * on or after 21 March. Valid for every Gregorian year (1583 on).
 */
export function easterSunday(year: number): number {
  const a = year % 19; // position in the 19-year Metonic cycle
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3); // the lunar correction
  const h = (19 * a + b - d - g + 15) % 30; // epact-derived days to the full moon
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7; // days from the full moon to Sunday
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}
