import { BUCKET_MS, type BucketResolution } from '../timeseries/resolution.js';

/** A resolution counters are read at: a bucket size of the store, or the raw readings. */
export type Level = BucketResolution | 'raw';

/** Coarsest first. Raw readings count as 1 ms buckets: a reading at `t` is the bucket [t, t+1). */
export const LEVELS: readonly Level[] = ['1d', '1h', '15m', '1m', 'raw'];

/** The length of a level's buckets, in ms. */
export function levelMs(level: Level): number {
  return level === 'raw' ? 1 : BUCKET_MS[level];
}

/** A stretch of time read at one level; `from` and `to` are multiples of the level's size. */
export interface Piece {
  readonly from: number;
  readonly to: number;
  readonly level: Level;
}

/** The coarsest level whose buckets both ends fall on, not coarser than `coarsest`. */
export function alignedLevel(from: number, to: number, coarsest: Level = '1d'): Level {
  for (const level of LEVELS.slice(LEVELS.indexOf(coarsest))) {
    const size = levelMs(level);
    if (from % size === 0 && to % size === 0) return level;
  }
  return 'raw';
}

/** The level just finer than `level` on which [from, to) still falls; undefined below raw. */
export function finerLevel(level: Level, from: number, to: number): Level | undefined {
  const index = LEVELS.indexOf(level);
  if (index === LEVELS.length - 1) return undefined;
  return alignedLevel(from, to, LEVELS[index + 1]);
}

/**
 * [from, to) as the coarsest whole buckets that fit: UTC days in the middle, then hours,
 * quarters and minutes towards the ends. A year of counters is then mostly 1-day rows.
 */
export function coverRange(from: number, to: number, coarsest: Level = '1d'): Piece[] {
  if (from >= to) return [];
  for (const level of LEVELS.slice(LEVELS.indexOf(coarsest))) {
    const size = levelMs(level);
    const a = Math.ceil(from / size) * size;
    const b = Math.floor(to / size) * size;
    if (a < b) {
      const finer = LEVELS[LEVELS.indexOf(level) + 1] ?? 'raw';
      return [
        ...coverRange(from, a, finer),
        { from: a, to: b, level },
        ...coverRange(b, to, finer),
      ];
    }
  }
  return [];
}

/**
 * What to read for counters at the period boundaries `boundaries` (ascending): for each
 * boundary an anchor bucket just before it (the last reading before the boundary lies there),
 * and between anchors the coarsest buckets that fit. The anchor is the coarsest of 1 h, 15 min
 * and 1 min that every boundary falls on (1 h for every whole-hour UTC offset).
 */
export function periodPlan(boundaries: readonly number[]): {
  readonly anchor: Level;
  readonly pieces: Piece[];
} {
  let anchor: Level = '1h';
  for (const b of boundaries) {
    const level = alignedLevel(b, b, anchor);
    if (LEVELS.indexOf(level) > LEVELS.indexOf(anchor)) anchor = level;
  }
  const size = levelMs(anchor);
  const pieces: Piece[] = [];
  boundaries.forEach((b, i) => {
    const previous = boundaries[i - 1];
    if (previous !== undefined) pieces.push(...coverRange(previous, b - size));
    pieces.push({ from: b - size, to: b, level: anchor });
  });
  return { anchor, pieces };
}

/**
 * The store queries that read `pieces`: per level, one query over the whole hull when the
 * pieces fill at least half of it (a year of days), otherwise one per run of adjacent pieces
 * (an hour before each month boundary). The caller keeps only the buckets inside a piece.
 */
export function queriesFor(pieces: readonly Piece[]): Piece[] {
  const queries: Piece[] = [];
  for (const level of LEVELS) {
    const runs = mergeRuns(pieces.filter((p) => p.level === level));
    const first = runs[0];
    const last = runs.at(-1);
    if (first === undefined || last === undefined) continue;
    const filled = runs.reduce((sum, r) => sum + (r.to - r.from), 0);
    if (runs.length > 1 && filled * 2 >= last.to - first.from) {
      queries.push({ from: first.from, to: last.to, level });
    } else {
      queries.push(...runs);
    }
  }
  return queries;
}

/** Pieces of one level, sorted and with adjacent ones joined. */
export function mergeRuns(pieces: readonly Piece[]): Piece[] {
  const runs: Piece[] = [];
  for (const p of [...pieces].sort((a, b) => a.from - b.from)) {
    const last = runs.at(-1);
    if (last !== undefined && last.to >= p.from) {
      runs[runs.length - 1] = { ...last, to: Math.max(last.to, p.to) };
    } else {
      runs.push(p);
    }
  }
  return runs;
}
