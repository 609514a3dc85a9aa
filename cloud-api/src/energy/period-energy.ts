import type { CounterChain } from './counter-chain.js';
import { readingTime, type ChainSample } from './counter-sample.js';

/** One meter's energy over one period. */
export interface MeterPeriodEnergy {
  /** kWh; null when the meter has no reading in the period. */
  readonly kwh: number | null;
  /** True when a boundary had no reading and the nearest reading inside the period was used. */
  readonly partial: boolean;
  /** The share of the period (up to now for the current one) between the readings used, 0-1. */
  readonly coverage: number;
}

/** A period as counted: [start, end), cut at `now` while it runs. */
export interface CountedPeriod {
  readonly start: number;
  readonly end: number;
}

/**
 * Energy of one period from a meter's repaired chain: the counter at the end minus the counter
 * at the start, each the last reading before the boundary (within `anchorMs`: the bucket just
 * before it), summing across resets. A boundary without such a reading takes the nearest
 * reading inside the period instead and the figure is partial.
 */
export async function periodEnergy(
  chain: CounterChain,
  readings: {
    /** The last sample before the period (ending at or before its start), if any. */
    readonly before: ChainSample | undefined;
    /** The samples ending inside the period, (start, end]. */
    readonly inside: readonly ChainSample[];
  },
  period: CountedPeriod,
  anchorMs: number,
  now: number,
): Promise<MeterPeriodEnergy> {
  const { start } = period;
  const { before, inside } = readings;
  const end = Math.min(period.end, now);
  const first = inside[0];
  const last = inside.at(-1);
  if (first === undefined || last === undefined || end <= start) {
    return { kwh: null, partial: true, coverage: 0 };
  }
  const anchored = before !== undefined && before.end > start - anchorMs;
  const closed = last.end > end - anchorMs;

  let kwh = 0;
  let from = start;
  if (anchored) {
    for (const s of inside) kwh += s.kwh;
  } else {
    // The nearest reading inside: the first of the first bucket, read as finely as possible.
    const head = await chain.head(first);
    for (const s of head.slice(1)) kwh += s.kwh;
    for (const s of inside.slice(1)) kwh += s.kwh;
    from = readingTime(head[0] ?? first);
  }
  const to = closed ? end : await chain.lastReadingTime(last);
  const coverage = Math.min(1, Math.max(0, (to - from) / (end - start)));
  return { kwh, partial: !(anchored && closed), coverage: anchored && closed ? 1 : coverage };
}
