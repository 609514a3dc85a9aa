import type { TimeSeriesStore } from '../timeseries/time-series-store.js';
import { ResetFlags, type CounterSample } from './counter-sample.js';
import { METER_TAGS, meterKeyOf, meterOfTags, tagsOfMeter, type MeterKey } from './meter-role.js';
import { levelMs, mergeRuns, queriesFor, type Level, type Piece } from './read-plan.js';

/** The reading a meter flags after its counters went backwards (edge metering module). */
export const RESET_FIELD = 'counter_reset';

/** One meter's samples of one counter, oldest first. */
export interface MeterSamples {
  readonly meter: MeterKey;
  readonly samples: CounterSample[];
}

/**
 * Reads energy counters from the time-series store as samples: the `last` value of each
 * bucket (each raw reading at raw level), one series per meter.
 */
export class CounterReader {
  readonly #store: TimeSeriesStore;
  readonly #measurement: string;

  constructor(store: TimeSeriesStore, measurement: string) {
    this.#store = store;
    this.#measurement = measurement;
  }

  /** Samples of `field` in the pieces, per meter (keyed by `meterKeyOf`), within `tags`. */
  async samples(
    field: string,
    tags: Readonly<Record<string, string>>,
    pieces: readonly Piece[],
  ): Promise<Map<string, MeterSamples>> {
    const out = new Map<string, MeterSamples>();
    const runs = new Map<Level, Piece[]>();
    for (const p of pieces) runs.set(p.level, [...(runs.get(p.level) ?? []), p]);
    for (const [level, list] of runs) runs.set(level, mergeRuns(list));
    const inPiece = (level: Level, from: number, to: number) =>
      (runs.get(level) ?? []).some((p) => p.from <= from && to <= p.to);

    for (const q of queriesFor(pieces)) {
      const size = levelMs(q.level);
      const result = await this.#store.query({
        measurement: this.#measurement,
        field,
        tags: { ...tags },
        from: q.from,
        to: q.to,
        resolution: q.level,
        aggregate: 'last',
        groupBy: [...METER_TAGS],
      });
      for (const series of result.series) {
        const meter = meterOfTags(series.tags);
        if (meter === undefined) continue;
        const key = meterKeyOf(meter);
        let entry = out.get(key);
        if (entry === undefined) {
          entry = { meter, samples: [] };
          out.set(key, entry);
        }
        for (const [time, value] of series.points) {
          // A hull query also returns buckets that other pieces read finer.
          if (inPiece(q.level, time, time + size)) {
            entry.samples.push({ end: time + size, size, value });
          }
        }
      }
    }
    for (const entry of out.values()) entry.samples.sort((a, b) => a.end - b.end);
    return out;
  }

  /** One meter's samples of `field` in [from, to) at one level (range aligned on it). */
  async meterSamples(
    meter: MeterKey,
    field: string,
    from: number,
    to: number,
    level: Level,
  ): Promise<CounterSample[]> {
    const found = await this.samples(field, tagsOfMeter(meter), [{ from, to, level }]);
    return found.get(meterKeyOf(meter))?.samples ?? [];
  }

  /**
   * Where flagged readings lie in [from, to), per meter, at a level's precision. The flag is
   * written only on the reading after a reset, so this reads a handful of rows even for a year.
   */
  async flags(
    tags: Readonly<Record<string, string>>,
    from: number,
    to: number,
    level: Level,
  ): Promise<Map<string, ResetFlags>> {
    const size = levelMs(level);
    const result = await this.#store.query({
      measurement: this.#measurement,
      field: RESET_FIELD,
      tags: { ...tags },
      from,
      to,
      resolution: level,
      aggregate: 'max',
      groupBy: [...METER_TAGS],
    });
    const out = new Map<string, ResetFlags>();
    for (const series of result.series) {
      const meter = meterOfTags(series.tags);
      if (meter === undefined) continue;
      const ranges = series.points
        .filter(([, value]) => value > 0)
        .map(([time]) => [time, time + size] as const);
      if (ranges.length > 0) out.set(meterKeyOf(meter), new ResetFlags(ranges));
    }
    return out;
  }

  /** One meter's flags in [from, to) at one level. */
  async meterFlags(meter: MeterKey, from: number, to: number, level: Level): Promise<ResetFlags> {
    const found = await this.flags(tagsOfMeter(meter), from, to, level);
    return found.get(meterKeyOf(meter)) ?? ResetFlags.NONE;
  }
}
