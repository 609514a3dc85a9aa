import type { WeatherInput } from '@hameau/edge-agent';

/**
 * A run of weather reports, oldest first, read in time order: `at(t)` is the latest report
 * observed by `t`, the same object until the next one arrives (the controller computes a
 * report's effect once per object).
 */
export class WeatherTrack {
  readonly reports: readonly WeatherInput[];
  #next = 0;

  constructor(reports: readonly WeatherInput[]) {
    this.reports = [...reports].sort((a, b) => a.observedAt - b.observedAt);
  }

  /** The latest report observed at or before `t`; null before the first. */
  at(t: number): WeatherInput | null {
    const reports = this.reports;
    // Time only moves forward in the loop; a step back starts the walk over.
    if (this.#next > 0 && (reports[this.#next - 1]?.observedAt ?? 0) > t) this.#next = 0;
    while (this.#next < reports.length && (reports[this.#next]?.observedAt ?? Infinity) <= t) {
      this.#next++;
    }
    return this.#next === 0 ? null : (reports[this.#next - 1] ?? null);
  }

  /** The first and last observation times, or null when there are none. */
  get span(): { first: number; last: number } | null {
    const first = this.reports[0];
    const last = this.reports.at(-1);
    return first === undefined || last === undefined
      ? null
      : { first: first.observedAt, last: last.observedAt };
  }
}
