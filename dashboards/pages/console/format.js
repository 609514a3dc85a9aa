import { locale, t } from './i18n.js';

// Dates and durations in the page's language. Times come from the API as ISO strings in UTC
// and are shown in the browser's time zone (the town's, on a technician's tablet).

/** `25/11/2026 21:04:05`. */
export function dateTime(iso) {
  if (iso === null || iso === undefined) return t('never');
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' }).format(
    new Date(iso),
  );
}

/** `21:04:05`. */
export function clockTime(ms) {
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'medium' }).format(new Date(ms));
}

/** `il y a 3 min`, from an ISO time. */
export function ago(iso, now = Date.now()) {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}

/** `3 min`, `2 h`, from milliseconds. */
export function duration(ms) {
  const unit = (value, name) =>
    new Intl.NumberFormat(locale(), { style: 'unit', unit: name, unitDisplay: 'short' }).format(
      value,
    );
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return unit(seconds, 'second');
  if (seconds < 3600) return unit(Math.round(seconds / 60), 'minute');
  if (seconds < 86_400) return unit(Math.round(seconds / 3600), 'hour');
  return unit(Math.round(seconds / 86_400), 'day');
}
