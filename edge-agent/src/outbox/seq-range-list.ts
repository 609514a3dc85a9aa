/** Sorted, disjoint, inclusive seq ranges `[from, to]`, as the cloud's `ingested` lists them. */
export type SeqRangeList = readonly (readonly [from: number, to: number])[];

/** True when `seq` lies in one of the ranges (a binary search: up to 64 ranges per message). */
export function inSeqRanges(ranges: SeqRangeList, seq: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const [from, to] = ranges[mid] as readonly [number, number];
    if (seq < from) hi = mid - 1;
    else if (seq > to) lo = mid + 1;
    else return true;
  }
  return false;
}
