const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Local wall-clock time at an instant, as load shapes need it. */
export interface LocalTime {
  /** Hours since local midnight, fractional (13.5 is 13:30). */
  readonly hour: number;
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
}

/**
 * Local time in an IANA time zone (`Europe/Paris`), daylight saving included: a town's load
 * follows its clocks, not UTC. The zone's offset is looked up once per UTC hour (zones change
 * offset only on whole hours), so integrating a year of load stays fast.
 */
export class LocalCalendar {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  #cachedHour = Number.NaN;
  #cachedOffset = 0;

  /** Throws a RangeError for an unknown zone. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  /** The local time at `t` (ms since the epoch). */
  at(t: number): LocalTime {
    const local = t + this.offsetMs(t);
    const day = Math.floor(local / DAY_MS);
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    return { hour: (local - day * DAY_MS) / HOUR_MS, weekday: (((day + 3) % 7) + 7) % 7 };
  }

  /** Local time minus UTC at `t`, in ms. */
  offsetMs(t: number): number {
    const hour = Math.floor(t / HOUR_MS);
    if (hour !== this.#cachedHour) {
      this.#cachedHour = hour;
      this.#cachedOffset = this.#computeOffset(hour * HOUR_MS);
    }
    return this.#cachedOffset;
  }

  #computeOffset(t: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.#format.formatToParts(t)) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const asUtc = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
    );
    return asUtc - t;
  }
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
