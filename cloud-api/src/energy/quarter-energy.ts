import { BUCKET_MS } from '../timeseries/resolution.js';
import { CounterChain } from './counter-chain.js';
import type { CounterReader } from './counter-reader.js';
import { ResetFlags, type ChainSample } from './counter-sample.js';
import { meterKeyOf, type MeterKey } from './meter-role.js';

/** The green share's step: 15 minutes, UTC-aligned like the store's buckets. */
export const QUARTER_MS = BUCKET_MS['15m'];

/** One meter's kWh in each quarter of a range; null where no reading tells. */
export interface MeterQuarters {
  readonly meter: MeterKey;
  readonly kwh: (number | null)[];
}

/**
 * kWh per 15-minute bucket of one counter, for every meter within `tags` that `keep` accepts:
 * the differences of the buckets' last readings (the bucket before `from` gives the first
 * one's start), repaired across resets like every counter. Energy between two readings
 * further apart (a gap) is spread evenly over the quarters between them; a meter whose first
 * reading lies inside the range counts from that reading.
 */
export async function meterQuarters(
  reader: CounterReader,
  query: {
    readonly field: string;
    readonly tags: Readonly<Record<string, string>>;
    /** Both multiples of 15 minutes. */
    readonly from: number;
    readonly to: number;
    readonly keep: (meter: MeterKey) => boolean;
  },
): Promise<Map<string, MeterQuarters>> {
  const { field, tags, from, to, keep } = query;
  const count = Math.max(0, Math.round((to - from) / QUARTER_MS));
  const pieces = [{ from: from - QUARTER_MS, to, level: '15m' as const }];
  const samples = await reader.samples(field, tags, pieces);
  const flags = await reader.flags(tags, from - QUARTER_MS, to, '15m');
  const out = new Map<string, MeterQuarters>();
  for (const [key, { meter, samples: list }] of samples) {
    if (!keep(meter)) continue;
    const chain = new CounterChain(reader, meter, field);
    const [first, ...rest] = await chain.repair(list, flags.get(key) ?? ResetFlags.NONE);
    if (first === undefined) continue;
    // A meter whose readings begin inside the range: its first quarter counts from its first
    // reading, read finer, rather than not at all.
    const head = first.end > from ? await chain.head(first) : [first];
    out.set(meterKeyOf(meter), { meter, kwh: spread([...head, ...rest], from, count) });
  }
  return out;
}

/** Each step's kWh spread over the quarters its time range overlaps, in proportion. */
export function spread(
  chain: readonly ChainSample[],
  from: number,
  count: number,
): (number | null)[] {
  const kwh: (number | null)[] = new Array<number | null>(count).fill(null);
  for (let k = 1; k < chain.length; k++) {
    const a = chain[k - 1] as ChainSample;
    const b = chain[k] as ChainSample;
    const span = b.end - a.end;
    if (span <= 0) continue;
    const first = Math.max(0, Math.floor((a.end - from) / QUARTER_MS));
    const last = Math.min(count - 1, Math.floor((b.end - 1 - from) / QUARTER_MS));
    for (let i = first; i <= last; i++) {
      const qStart = from + i * QUARTER_MS;
      const overlap = Math.min(b.end, qStart + QUARTER_MS) - Math.max(a.end, qStart);
      if (overlap <= 0) continue;
      kwh[i] = (kwh[i] ?? 0) + (b.kwh * overlap) / span;
    }
  }
  return kwh;
}
