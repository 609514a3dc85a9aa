// Local time at the site, from its IANA time zone through Intl (Node's ICU time-zone data), so
// that daylight-saving changes follow the law of the zone rather than a rule written here.
// Intl is slow (microseconds a call): the controller uses it when it compiles a night, never
// per decision.

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HALF_DAY_MS = DAY_MS / 2;

// The configuration schema checks a site's zone with it (@hameau/protocol).
export { isTimeZone } from '@hameau/protocol';

/** Formatters per time zone: creating one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    // `longOffset` writes the offset itself (`GMT+02:00`, `GMT+00:09:21` for old local mean
    // times, `GMT` at zero): one short string to read, three times faster than formatToParts.
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, format);
  }
  return format;
}

const OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Converts between instants (ms since epoch) and the wall time of one IANA time zone. */
export class ZonedTime {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  /** `instantOf` answers: every zone of a site asks for the same noons and step times. */
  readonly #instants = new Map<number, number>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = formatter(timeZone);
  }

  /** The zone's offset from UTC at an instant, ms (local wall time = instant + offset). */
  offsetAt(ms: number): number {
    const m = OFFSET.exec(this.#format.format(ms));
    if (m === null) throw new Error(`cannot read the offset of ${this.timeZone}`);
    if (m[1] === undefined) return 0;
    const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
    return (m[1] === '-' ? -seconds : seconds) * 1000;
  }

  /** The local day number (days since 1970-01-01) of an instant. */
  localDay(ms: number): number {
    return Math.floor((ms + this.offsetAt(ms)) / DAY_MS);
  }

  /** The local minutes since midnight (0–1439) of an instant. */
  localMinutes(ms: number): number {
    const local = ms + this.offsetAt(ms);
    return Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / MINUTE_MS);
  }

  /**
   * The instant of a local wall time: `minuteOfDay` minutes after midnight of local day
   * `dayNum`. A wall time skipped by a spring-forward gap moves forward by the gap (02:30 on
   * the last Sunday of March in Paris is 03:30 CEST); one repeated by a fall-back takes its
   * first occurrence (02:30 CEST, not 02:30 CET). Both are what Temporal calls 'compatible'.
   */
  instantOf(dayNum: number, minuteOfDay: number): number {
    const wall = dayNum * DAY_MS + minuteOfDay * MINUTE_MS;
    const known = this.#instants.get(wall);
    if (known !== undefined) return known;
    const instant = this.#resolve(wall);
    if (this.#instants.size >= 4096) this.#instants.clear();
    this.#instants.set(wall, instant);
    return instant;
  }

  #resolve(wall: number): number {
    // At most one transition happens within a day: the offsets half a day either side are the
    // only two candidates.
    const before = this.offsetAt(wall - HALF_DAY_MS);
    const after = this.offsetAt(wall + HALF_DAY_MS);
    const early = wall - before;
    if (before === after || this.offsetAt(early) === before) return early;
    const late = wall - after;
    if (this.offsetAt(late) === after) return late;
    // In the gap: read the wall time with the offset in force before it, which lands after it.
    return early;
  }

  /** `HH:MM` local wall time of an instant. */
  formatHm(ms: number): string {
    const minutes = this.localMinutes(ms);
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    return `${hh}:${mm}`;
  }
}
