// Numbers, units and times for people, per locale, through Intl: "12,4 kW" in French,
// "12.4 kW" in English. A value and its unit are joined by a no-break space so a narrow phone
// never wraps between them. Formatters are cached: a live page formats several times a second.

const NBSP = '\u00a0';
const formatters = new Map();

function cached(locale, options) {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.NumberFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** A number with at most `digits` decimals (and at least `minDigits`). */
export function formatNumber(value, locale, digits = 0, minDigits = 0) {
  return cached(locale, { maximumFractionDigits: digits, minimumFractionDigits: minDigits }).format(
    value,
  );
}

/** Power from watts: W under 1 kW, kW (one decimal under 100) under 1 MW, then MW. */
export function formatPower(watts, locale) {
  const abs = Math.abs(watts);
  if (abs < 1000) return `${formatNumber(watts, locale, 0)}${NBSP}W`;
  if (abs < 1_000_000) {
    const kw = watts / 1000;
    return `${formatNumber(kw, locale, Math.abs(kw) < 100 ? 1 : 0)}${NBSP}kW`;
  }
  return `${formatNumber(watts / 1_000_000, locale, 2)}${NBSP}MW`;
}

/** Energy from kWh: kWh (one decimal under 100) under 10 MWh, then MWh. */
export function formatEnergy(kwh, locale) {
  if (Math.abs(kwh) < 10_000) {
    return `${formatNumber(kwh, locale, Math.abs(kwh) < 100 ? 1 : 0)}${NBSP}kWh`;
  }
  return `${formatNumber(kwh / 1000, locale, 1)}${NBSP}MWh`;
}

/** A share 0–1 as a percentage: "38 %" in French, "38%" in English. */
export function formatShare(share, locale, digits = 0) {
  return cached(locale, { style: 'percent', maximumFractionDigits: digits }).format(share);
}

/** A percentage given as 0–100. */
export function formatPercent(pct, locale, digits = 0) {
  return formatShare(pct / 100, locale, digits);
}

/** A signed change as a percentage: "+5 %", "−12 %". */
export function formatChange(share, locale) {
  return cached(locale, {
    style: 'percent',
    maximumFractionDigits: 0,
    signDisplay: 'exceptZero',
  }).format(share);
}

/** The wall-clock time of an instant in a time zone: "13:05", or "13:05:12" with seconds. */
export function formatTime(instant, locale, timeZone, seconds = false) {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds && { second: '2-digit' }),
  }).format(new Date(instant));
}

/** A calendar date `YYYY-MM-DD` as "24 nov." / "24 Nov". */
export function formatDay(isoDate, locale) {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** An instant as a short date and time in a time zone: "24 nov., 13:00". */
export function formatDateTime(instant, locale, timeZone) {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(instant));
}

/**
 * An instant as a short date and the time to the second: "25/11/2026 21:04:05" in French. With
 * no `timeZone`, the browser's (a technician's tablet is in the town's).
 */
export function formatTimestamp(instant, locale, timeZone) {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(new Date(instant));
}

/** Seconds, minutes, hours, then days: the largest unit under which `seconds` fits. */
function largestUnit(seconds) {
  const abs = Math.abs(seconds);
  if (abs < 60) return [seconds, 'second'];
  if (abs < 3600) return [Math.round(seconds / 60), 'minute'];
  if (abs < 86_400) return [Math.round(seconds / 3600), 'hour'];
  return [Math.round(seconds / 86_400), 'day'];
}

/** How long ago (or how soon) an instant is, in its largest unit: "il y a 3 minutes". */
export function formatRelative(instant, locale, now = Date.now()) {
  const [value, unit] = largestUnit(Math.round((instant - now) / 1000));
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(value, unit);
}

/** A length of time from milliseconds, in its largest unit: "3 min", "2 h", "5 j". */
export function formatDuration(ms, locale) {
  const [value, unit] = largestUnit(Math.round(ms / 1000));
  return cached(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}
