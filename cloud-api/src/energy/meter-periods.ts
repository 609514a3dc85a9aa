import { CounterChain } from './counter-chain.js';
import type { CounterReader } from './counter-reader.js';
import { ResetFlags, type ChainSample } from './counter-sample.js';
import { meterKeyOf, type MeterKey } from './meter-role.js';
import { periodEnergy, type MeterPeriodEnergy } from './period-energy.js';
import { levelMs, periodPlan } from './read-plan.js';

/** Contiguous periods, oldest first: each ends where the next starts. */
export interface Periods {
  readonly spans: readonly { readonly start: number; readonly end: number }[];
}

/** One meter's energy in each period, in the order of the periods. */
export interface MeterPeriods {
  readonly meter: MeterKey;
  readonly periods: MeterPeriodEnergy[];
}

/**
 * kWh per period of one counter (`energy_import_kwh`…) for every meter within `tags` that
 * `keep` accepts. Reads each boundary's anchor hour and the whole UTC days between them (see
 * `periodPlan`), the reset flags of the range, then repairs each meter's chain.
 */
export async function meterPeriods(
  reader: CounterReader,
  query: {
    readonly field: string;
    readonly tags: Readonly<Record<string, string>>;
    readonly spans: Periods['spans'];
    readonly now: number;
    readonly keep: (meter: MeterKey) => boolean;
  },
): Promise<Map<string, MeterPeriods>> {
  const { field, tags, spans, now, keep } = query;
  const out = new Map<string, MeterPeriods>();
  const first = spans[0];
  if (first === undefined) return out;
  const boundaries = [first.start, ...spans.map((s) => s.end)];
  const plan = periodPlan(boundaries);
  const anchorMs = levelMs(plan.anchor);
  const samples = await reader.samples(field, tags, plan.pieces);
  const flags = await reader.flags(tags, first.start - anchorMs, boundaries.at(-1) ?? now, '1h');
  for (const [key, { meter, samples: list }] of samples) {
    if (!keep(meter)) continue;
    const chain = new CounterChain(reader, meter, field);
    const repaired = await chain.repair(list, flags.get(key) ?? ResetFlags.NONE);
    const periods: MeterPeriodEnergy[] = [];
    // Spans and samples are both in time order: one walk splits the samples by period.
    let i = 0;
    for (const span of spans) {
      while (i < repaired.length && (repaired[i] as ChainSample).end <= span.start) i++;
      let j = i;
      while (j < repaired.length && (repaired[j] as ChainSample).end <= span.end) j++;
      const readings = { before: repaired[i - 1], inside: repaired.slice(i, j) };
      periods.push(await periodEnergy(chain, readings, span, anchorMs, now));
      i = j;
    }
    out.set(meterKeyOf(meter), { meter, periods });
  }
  return out;
}
