/**
 * The sequence numbers already ingested from one device, as sorted, disjoint, inclusive ranges
 * (`[[1, 5000], [5003, 5010]]`). The edge link sends live readings first and replays history
 * oldest-first beside them, so seqs arrive out of order; ranges stay few (a gap is a replay
 * still in flight, or readings the edge outbox dropped under its overflow policy) while a plain
 * set would grow with every reading ever received.
 */
export class SeqRanges {
  /** Sorted by start, disjoint and not adjacent (adjacent ranges are merged). */
  #ranges: [number, number][];

  constructor(ranges: readonly (readonly [number, number])[] = []) {
    this.#ranges = [];
    for (const [from, to] of ranges) this.#addRange(from, to);
  }

  /** Rebuilds ranges saved with `toJSON`; anything malformed yields an empty set. */
  static parse(json: string): SeqRanges {
    try {
      const value: unknown = JSON.parse(json);
      if (!Array.isArray(value)) return new SeqRanges();
      const ranges = value.filter(
        (r): r is [number, number] =>
          Array.isArray(r) &&
          r.length === 2 &&
          Number.isSafeInteger(r[0]) &&
          Number.isSafeInteger(r[1]) &&
          (r[0] as number) <= (r[1] as number),
      );
      return new SeqRanges(ranges);
    } catch {
      return new SeqRanges();
    }
  }

  has(seq: number): boolean {
    return this.#indexOf(seq) >= 0;
  }

  /** Records `seq`; false when it was already there (a duplicate). */
  add(seq: number): boolean {
    if (this.has(seq)) return false;
    this.#addRange(seq, seq);
    return true;
  }

  get rangeCount(): number {
    return this.#ranges.length;
  }

  /** The highest seq seen, or 0. */
  get max(): number {
    return this.#ranges.at(-1)?.[1] ?? 0;
  }

  /**
   * The missing seqs between 1 and `max`, as ranges: readings not (yet) received. Capped at
   * `limit` ranges, lowest first.
   */
  gaps(limit = 100): [number, number][] {
    const gaps: [number, number][] = [];
    let next = 1;
    for (const [from, to] of this.#ranges) {
      if (gaps.length >= limit) break;
      if (from > next) gaps.push([next, from - 1]);
      next = to + 1;
    }
    return gaps;
  }

  /**
   * Keeps at most `maxRanges` ranges by filling the lowest gaps: the oldest missing readings
   * are the ones the edge dropped (overflow) or will never replay. Without a cap, a device that
   * loses a reading now and then would grow its ranges forever. Returns how many gaps it filled.
   */
  compact(maxRanges: number): number {
    let filled = 0;
    while (this.#ranges.length > Math.max(1, maxRanges)) {
      const [first, second] = this.#ranges as [[number, number], [number, number]];
      this.#ranges.splice(0, 2, [first[0], second[1]]);
      filled++;
    }
    return filled;
  }

  /**
   * The highest `n` ranges, lowest first: what a device's outbox can still hold, since it
   * deletes the older records once they are acknowledged.
   */
  newest(n: number): [number, number][] {
    return this.#ranges.slice(Math.max(0, this.#ranges.length - n)).map(([from, to]) => [from, to]);
  }

  toJSON(): [number, number][] {
    return this.#ranges.map(([from, to]) => [from, to]);
  }

  /** Index of the range holding `seq`, or -1. */
  #indexOf(seq: number): number {
    let lo = 0;
    let hi = this.#ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const [from, to] = this.#ranges[mid] as [number, number];
      if (seq < from) hi = mid - 1;
      else if (seq > to) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  #addRange(from: number, to: number): void {
    // The first range that ends at or after from - 1 (could touch or overlap the new one).
    let lo = 0;
    let hi = this.#ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#ranges[mid] as [number, number])[1] < from - 1) lo = mid + 1;
      else hi = mid;
    }
    let start = from;
    let end = to;
    let count = 0;
    for (let i = lo; i < this.#ranges.length; i++) {
      const [f, t] = this.#ranges[i] as [number, number];
      if (f > end + 1) break;
      start = Math.min(start, f);
      end = Math.max(end, t);
      count++;
    }
    this.#ranges.splice(lo, count, [start, end]);
  }
}
