/** How one store was loaded with the dataset: what went in and how long it took. */
export interface LoadFigures {
  readonly points: number;
  /** Numbers stored: every field of every point, `seq` included. */
  readonly values: number;
  readonly batches: number;
  readonly batchSize: number;
  /** Writes kept in flight at once. */
  readonly concurrency: number;
  /** First write → last write acknowledged (and, embedded, the last retention run). */
  readonly wallSeconds: number;
  /** Time inside `write` (and `applyRetention`), summed: what the store itself cost. */
  readonly storeSeconds: number;
  /** One-minute load average when loading began, to judge the figures by. */
  readonly loadAverage: number;
  /** Bytes on disk once loaded. */
  readonly bytes: number;
  /** ISO time the load finished (a cached dataset keeps the figures of its load). */
  readonly loadedAt: string;
}

/** Points per second of wall time. */
export function loadRate(f: LoadFigures): number {
  return f.points / f.wallSeconds;
}
