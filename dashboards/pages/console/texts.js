import { formatDuration, formatRelative, formatTime, formatTimestamp } from '../shared/format.js';
import { createI18n, mergeDictionaries } from '../shared/i18n.js';
import { CONSOLE_STRINGS } from './console-strings.js';
import { HEALTH_STRINGS } from './views/device-health-strings.js';

// The console's language (French first, the choice remembered on the device) and its ways of
// writing times, through the pages' shared helpers. Times come from the API as ISO strings in UTC
// and are shown in the town's time zone once the API said which (`useTimeZone`), as on the public
// dashboard: a technician on a laptop set to another zone, or an operator elsewhere, reads the
// same hours as the town's logs and residents. Until then, and if the API never says, the
// browser's zone.

export const i18n = createI18n({
  dictionaries: mergeDictionaries(CONSOLE_STRINGS, HEALTH_STRINGS),
  storageKey: 'hameau.console.lang',
});

/** A text by key, `{name}` placeholders filled from `params`. */
export const t = i18n.t;

/** The text of `key`, or `raw` when the console has none (a kind or mode it does not know). */
export function textOr(key, raw) {
  return i18n.has(key) ? i18n.t(key) : raw;
}

/** The name of an alarm type, or the type itself when the console does not know it. */
export function alarmName(type) {
  return textOr(`alarm.${type}`, type);
}

/** The IANA zone times are shown in; undefined: the browser's. */
let timeZone;

/** Shows every time from now on in `zone` (an IANA name such as `Europe/Paris`). */
export function useTimeZone(zone) {
  timeZone = zone;
}

/** The zone times are shown in: the town's once known, else the browser's. */
export function shownTimeZone() {
  return timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** `heure de Paris`: the zone's city, from its IANA name (`America/New_York` → New York). */
export function zoneLabel() {
  const zone = shownTimeZone();
  const city = zone.slice(zone.lastIndexOf('/') + 1).replaceAll('_', ' ');
  return t('timeZone', { city });
}

/** `25/11/2026 21:04:05`, or "never" for a missing time. */
export function dateTime(iso) {
  if (iso === null || iso === undefined) return t('never');
  return formatTimestamp(Date.parse(iso), i18n.locale, timeZone);
}

/** `21:04:05`, from milliseconds. */
export function clockTime(ms) {
  return formatTime(ms, i18n.locale, timeZone, true);
}

/** `il y a 3 minutes`, from an ISO time. */
export function ago(iso) {
  return formatRelative(Date.parse(iso), i18n.locale);
}

/** `3 min`, `2 h`, from milliseconds. */
export function duration(ms) {
  return formatDuration(ms, i18n.locale);
}
