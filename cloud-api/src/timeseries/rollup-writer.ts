import type { Database, Statement } from 'better-sqlite3';
import { BatchedInsert } from './batched-insert.js';
import { ROLLUP_TABLE } from './embedded-schema.js';
import { hasFields, SEQ_FIELD, type Point } from './point.js';
import { BUCKET_MS, bucketStart, type BucketResolution } from './resolution.js';
import {
  ADD_TAIL,
  addHead,
  patchSql,
  rebuildFromFinerSql,
  rebuildFromRawSql,
} from './rollup-sql.js';
import { decodeFields, encodeFields, fieldPath } from './raw-fields.js';
import type { SeriesCatalog } from './series-catalog.js';

/** Finest first: each level is rebuilt from the one before it (1 min from raw). */
const LEVELS: readonly BucketResolution[] = ['1m', '15m', '1h', '1d'];

/** A rollup row being built in memory: one (series, field, bucket). */
interface Bucket {
  seriesId: number;
  fieldId: number;
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  lastTime: number;
}

/** What `write` did, for logs and tests. */
export interface WriteOutcome {
  /** Values (point × field) that were new. */
  inserted: number;
  /** Values that replaced a different value at the same (series, field, time). */
  overwritten: number;
  /** Values that were already stored with the same value. */
  unchanged: number;
}

type Params = (number | bigint | string)[];
type Named = [Record<string, number | string>];

/**
 * Writes raw points and keeps the 1 min, 15 min, 1 h and 1 day rollups in step, inside the
 * caller's transaction.
 *
 * - Telemetry mostly arrives in time order, so a point newer than the newest raw row of its
 *   series cannot exist yet: it is inserted without a conflict check, many rows per statement.
 *   Other points take the slow path, one by one with a lookup; a point already stored gets the
 *   new fields merged into it, as InfluxDB does.
 * - New values are summed per bucket in memory and upserted once per bucket and level.
 * - A value replacing a different one marks its buckets dirty; they are rebuilt afterwards,
 *   level by level from the finer one, which keeps min and max exact where subtracting could not.
 * - `seq` is kept raw only: it numbers messages rather than measuring anything, and skipping its
 *   rollups saves a third of the rollup rows of a two-quantity point. Bucketed queries on it
 *   are computed from the raw rows (see EmbeddedReader).
 */
export class RollupWriter {
  readonly #catalog: SeriesCatalog;
  readonly #appendRaw: BatchedInsert;
  readonly #insertRaw: Statement<Params>;
  readonly #selectRaw: Statement<Params>;
  readonly #updateRaw: Statement<Params>;
  readonly #newestRaw: Statement<Params>;
  readonly #add: Record<BucketResolution, BatchedInsert>;
  readonly #rebuild: Record<BucketResolution, Statement<Named>>;
  readonly #patch: Record<BucketResolution, Statement<Named>>;
  /** Newest raw time per series (an upper bound: retention only removes older rows). */
  readonly #newest = new Map<number, number>();
  /** The field id of `seq`, which has no rollups (-1 until first written). */
  #seqId: number;

  constructor(db: Database, catalog: SeriesCatalog) {
    this.#catalog = catalog;
    this.#seqId = catalog.existingFieldId(SEQ_FIELD) ?? -1;
    const rawHead = 'INSERT INTO raw (series_id, time, fields)';
    this.#appendRaw = new BatchedInsert(db, rawHead, '', 3);
    this.#insertRaw = db.prepare(`${rawHead} VALUES (?, ?, ?) ON CONFLICT DO NOTHING`);
    this.#selectRaw = db.prepare('SELECT fields FROM raw WHERE series_id = ? AND time = ?').pluck();
    this.#updateRaw = db.prepare('UPDATE raw SET fields = ? WHERE series_id = ? AND time = ?');
    this.#newestRaw = db.prepare('SELECT max(time) FROM raw WHERE series_id = ?').pluck();
    const each = <T>(make: (level: BucketResolution, index: number) => T) =>
      Object.fromEntries(LEVELS.map((level, i) => [level, make(level, i)])) as Record<
        BucketResolution,
        T
      >;
    this.#add = each((level) => new BatchedInsert(db, addHead(ROLLUP_TABLE[level]), ADD_TAIL, 9));
    this.#rebuild = each((level, i) => {
      const finer = LEVELS[i - 1];
      const table = ROLLUP_TABLE[level];
      return db.prepare<Named>(
        finer === undefined
          ? rebuildFromRawSql(table)
          : rebuildFromFinerSql(table, ROLLUP_TABLE[finer]),
      );
    });
    this.#patch = each((level) => db.prepare<Named>(patchSql(ROLLUP_TABLE[level])));
  }

  /**
   * Writes `points` (already validated). `rawKeptFrom` is the oldest time (a day boundary) from
   * which retention has dropped nothing, at any level.
   */
  write(points: readonly Point[], rawKeptFrom: number): WriteOutcome {
    const outcome: WriteOutcome = { inserted: 0, overwritten: 0, unchanged: 0 };
    const minutes = new Map<string, Bucket>();
    const dirty = new Set<string>();
    // Applied after the new values are added, so a value both written and replaced within this
    // batch is first counted, then corrected.
    const patches: [value: number, old: number, time: number, s: number, f: number][] = [];
    const addNew = (s: number, f: number, time: number, value: number, rolledUp: boolean) => {
      outcome.inserted++;
      if (!rolledUp) return;
      const bucket = bucketStart(time, BUCKET_MS['1m']);
      const key = `${s}:${f}:${bucket}`;
      const b = minutes.get(key);
      if (b) addValue(b, time, value);
      else minutes.set(key, newBucket(s, f, bucket, time, value));
    };

    for (const point of points) {
      if (!hasFields(point)) continue;
      const s = this.#catalog.seriesId(point.measurement, point.tags);
      const time = point.time;
      const fields: [id: number, value: number][] = [];
      for (const name in point.fields) {
        const f = this.#catalog.fieldId(name);
        if (name === SEQ_FIELD) this.#seqId = f;
        this.#catalog.notePair(s, f);
        fields.push([f, point.fields[name] as number]);
      }
      let newest = this.#newest.get(s);
      if (newest === undefined) {
        newest = (this.#newestRaw.get(s) as number | null) ?? -Infinity;
        this.#newest.set(s, newest);
      }
      if (time > newest) {
        this.#newest.set(s, time);
        this.#appendRaw.add(s, time, encodeFields(fields));
        for (const [f, value] of fields) addNew(s, f, time, value, f !== this.#seqId);
        continue;
      }
      // Slow path: the row may exist, maybe queued in #appendRaw, so send that first.
      this.#appendRaw.flush();
      if (this.#insertRaw.run(s, time, encodeFields(fields)).changes === 1) {
        for (const [f, value] of fields) addNew(s, f, time, value, f !== this.#seqId);
        continue;
      }
      // An existing point: as in InfluxDB, the new fields replace or join the stored ones.
      const stored = decodeFields(this.#selectRaw.get(s, time) as string);
      let changed = false;
      for (const [f, value] of fields) {
        const old = stored.get(f);
        if (old === value) {
          outcome.unchanged++;
          continue;
        }
        stored.set(f, value);
        changed = true;
        if (old === undefined) {
          addNew(s, f, time, value, f !== this.#seqId);
          continue;
        }
        outcome.overwritten++;
        if (f === this.#seqId) continue;
        if (bucketStart(time, BUCKET_MS['1d']) >= rawKeptFrom) {
          for (const level of LEVELS) dirty.add(dirtyKey(level, s, f, time));
        } else {
          patches.push([value, old, time, s, f]);
        }
      }
      if (changed) this.#updateRaw.run(encodeFields([...stored]), s, time);
    }
    this.#appendRaw.flush();
    this.#flushNew(minutes, dirty);
    for (const [value, old, time, s, f] of patches) {
      for (const level of LEVELS) {
        const bucket = bucketStart(time, BUCKET_MS[level]);
        this.#patch[level].run({ value, old, time, s, f, bucket });
      }
    }
    // Finest level first, since each is rebuilt from the one before.
    const rank = (key: string) =>
      LEVELS.indexOf(key.slice(0, key.indexOf(':')) as BucketResolution);
    for (const key of [...dirty].sort((a, b) => rank(a) - rank(b))) {
      const [level, s, f, bucket] = key.split(':') as [BucketResolution, string, string, string];
      const start = Number(bucket);
      this.#rebuild[level].run({
        s: Number(s),
        f: Number(f),
        ...(level === '1m' && { path: fieldPath(Number(f)) }),
        start,
        end: start + BUCKET_MS[level],
      });
    }
    return outcome;
  }

  /** Forgets queued rows and cached newest times (after a rolled-back transaction). */
  reset(): void {
    this.#appendRaw.discard();
    for (const level of LEVELS) this.#add[level].discard();
    this.#newest.clear();
    this.#seqId = this.#catalog.existingFieldId(SEQ_FIELD) ?? -1;
  }

  /**
   * Upserts the new values, once per touched bucket and level, merging 1-minute buckets into
   * coarser ones in memory. Dirty buckets are skipped: they are rebuilt whole afterwards.
   */
  #flushNew(minutes: Map<string, Bucket>, dirty: Set<string>): void {
    let buckets = minutes;
    for (const level of LEVELS) {
      if (level !== '1m') {
        // Each level merges the one before (fewer buckets than the minutes).
        const size = BUCKET_MS[level];
        const finer = buckets;
        buckets = new Map<string, Bucket>();
        for (const m of finer.values()) {
          const bucket = bucketStart(m.bucket, size);
          const key = `${m.seriesId}:${m.fieldId}:${bucket}`;
          const b = buckets.get(key);
          if (b) mergeInto(b, m);
          else buckets.set(key, { ...m, bucket });
        }
      }
      const add = this.#add[level];
      for (const b of buckets.values()) {
        if (dirty.size > 0 && dirty.has(`${level}:${b.seriesId}:${b.fieldId}:${b.bucket}`)) {
          continue;
        }
        add.add(b.seriesId, b.fieldId, b.bucket, b.count, b.sum, b.min, b.max, b.last, b.lastTime);
      }
      add.flush();
    }
  }
}

function dirtyKey(level: BucketResolution, s: number, f: number, time: number): string {
  return `${level}:${s}:${f}:${bucketStart(time, BUCKET_MS[level])}`;
}

function newBucket(s: number, f: number, bucket: number, time: number, value: number): Bucket {
  return {
    seriesId: s,
    fieldId: f,
    bucket,
    count: 1,
    sum: value,
    min: value,
    max: value,
    last: value,
    lastTime: time,
  };
}

function addValue(b: Bucket, time: number, value: number): void {
  b.count++;
  b.sum += value;
  if (value < b.min) b.min = value;
  if (value > b.max) b.max = value;
  if (time >= b.lastTime) {
    b.last = value;
    b.lastTime = time;
  }
}

function mergeInto(b: Bucket, other: Bucket): void {
  b.count += other.count;
  b.sum += other.sum;
  if (other.min < b.min) b.min = other.min;
  if (other.max > b.max) b.max = other.max;
  if (other.lastTime >= b.lastTime) {
    b.last = other.last;
    b.lastTime = other.lastTime;
  }
}
