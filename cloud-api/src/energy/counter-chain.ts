import type { CounterReader } from './counter-reader.js';
import {
  bucketStartOf,
  mayHaveReset,
  readingTime,
  type ChainSample,
  type CounterSample,
  type ResetFlags,
} from './counter-sample.js';
import type { MeterKey } from './meter-role.js';
import { finerLevel, LEVELS, levelMs, type Level } from './read-plan.js';

function levelOf(s: CounterSample): Level {
  return LEVELS.find((l) => levelMs(l) === s.size) ?? 'raw';
}

/**
 * Turns one meter's counter samples into energy: the sum of the increases between samples.
 * Where the counter may have restarted between two samples (it went down, or a reading in
 * between is flagged `counter_reset`), the stretch is read again one level finer (1 d → 1 h →
 * 15 min → 1 min → raw) so that only the step across the reset itself is dropped: the
 * monotonic segments on either side are summed, and no figure is ever negative. Where the
 * finer data is gone (retention) the whole stretch counts 0, the one approximation left.
 */
export class CounterChain {
  readonly #reader: CounterReader;
  readonly #meter: MeterKey;
  readonly #field: string;

  constructor(reader: CounterReader, meter: MeterKey, field: string) {
    this.#reader = reader;
    this.#meter = meter;
    this.#field = field;
  }

  /** The samples with the energy since the previous one; the first gets 0 (nothing before). */
  async repair(samples: readonly CounterSample[], flags: ResetFlags): Promise<ChainSample[]> {
    const out: ChainSample[] = [];
    let a: ChainSample | undefined;
    for (const b of samples) {
      // A year of hours is ~9,000 samples a meter: plain objects, no spread, no await unless
      // a stretch must be read again.
      if (a === undefined) {
        out.push({ end: b.end, size: b.size, value: b.value, kwh: 0 });
      } else if (!mayHaveReset(a, b, flags)) {
        out.push({ end: b.end, size: b.size, value: b.value, kwh: b.value - a.value });
      } else {
        out.push(...(await this.#split(a, b)));
      }
      a = out.at(-1);
    }
    return out;
  }

  /**
   * The readings of a sample's own bucket, read as finely as the store still can, so that the
   * first is the earliest reading (where a period with no reading at its start begins).
   */
  async head(sample: CounterSample): Promise<ChainSample[]> {
    const finer = await this.#finer(bucketStartOf(sample), sample.end, levelOf(sample));
    if (finer === undefined) return [{ ...sample, kwh: 0 }];
    const [first, ...rest] = await this.repair(finer.samples, finer.flags);
    if (first === undefined) return [{ ...sample, kwh: 0 }];
    return [...(await this.head(first)), ...rest];
  }

  /** When the last reading of a sample's bucket was taken, as finely as the store knows. */
  async lastReadingTime(sample: CounterSample): Promise<number> {
    const finer = await this.#finer(bucketStartOf(sample), sample.end, levelOf(sample));
    const last = finer?.samples.at(-1);
    return last === undefined ? readingTime(sample) : this.lastReadingTime(last);
  }

  /** Replaces `b` by the finer samples of [a.end, b.end), repaired; `b` at 0 kWh without them. */
  async #split(a: CounterSample, b: CounterSample): Promise<ChainSample[]> {
    const finer = await this.#finer(a.end, b.end, levelOf(b));
    if (finer === undefined) return [{ ...b, kwh: 0 }];
    return (await this.repair([a, ...finer.samples], finer.flags)).slice(1);
  }

  async #finer(
    from: number,
    to: number,
    level: Level,
  ): Promise<{ samples: CounterSample[]; flags: ResetFlags } | undefined> {
    const finer = finerLevel(level, from, to);
    if (finer === undefined) return undefined;
    const samples = await this.#reader.meterSamples(this.#meter, this.#field, from, to, finer);
    if (samples.length === 0) return undefined;
    const flags = await this.#reader.meterFlags(this.#meter, from, to, finer);
    return { samples, flags };
  }
}
