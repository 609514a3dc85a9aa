import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ManualClock } from '@hameau/protocol';
import { rawBucketSql, rawSql, rollupSql } from '../../src/timeseries/reader-sql.js';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import type { Point } from '../../src/timeseries/point.js';
import { BUCKET_MS, bucketStart } from '../../src/timeseries/resolution.js';
import type { Aggregate, SeriesPoint } from '../../src/timeseries/time-series-store.js';
import { HOUR, MINUTE, NOW, point } from './store-behaviour.js';

const DAY = 24 * HOUR;

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What each aggregate should give for the values (with times) of one bucket. */
function expected(values: [time: number, value: number][], aggregate: Aggregate): number {
  const v = values.map(([, x]) => x);
  switch (aggregate) {
    case 'mean':
      return v.reduce((a, b) => a + b, 0) / v.length;
    case 'sum':
      return v.reduce((a, b) => a + b, 0);
    case 'min':
      return Math.min(...v);
    case 'max':
      return Math.max(...v);
    case 'count':
      return v.length;
    case 'last':
      return [...values].sort((a, b) => a[0] - b[0]).at(-1)?.[1] ?? NaN;
  }
}

describe('embedded store', () => {
  let dir: string;
  let path: string;
  let clock: ManualClock;
  let store: EmbeddedStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hameau-series-'));
    path = join(dir, 'nested', 'series.sqlite');
    clock = new ManualClock(NOW);
    store = new EmbeddedStore({ path, clock });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every rollup equal to aggregating the final raw values, through overwrites', async () => {
    const rand = random(42);
    // Three hours across a UTC midnight (NOW), so 1-day buckets are two.
    const start = NOW - 2 * HOUR;
    // Final value per source and time, as the store should end up holding them.
    const truth = new Map<string, Map<number, number>>([
      ['m1', new Map()],
      ['m2', new Map()],
      ['m3', new Map()],
    ]);
    const sources = [...truth.keys()];
    for (let batch = 0; batch < 12; batch++) {
      const points: Point[] = [];
      for (let i = 0; i < 150; i++) {
        const index = Math.floor(rand() * sources.length);
        const source = sources[index] as string;
        // Few distinct times, so many writes land on existing points, in this batch or earlier;
        // offset per source, so `last` across series never has to break a tie.
        const time = start + Math.floor(rand() * 400) * 27_000 + index;
        const value = Math.round(rand() * 2_000 - 1_000) / 8;
        points.push(point(source, time, { p: value }));
        truth.get(source)?.set(time, value);
      }
      await store.write(points);
    }

    for (const resolution of ['1m', '15m', '1h', '1d'] as const) {
      const size = BUCKET_MS[resolution];
      for (const aggregate of ['mean', 'min', 'max', 'sum', 'count', 'last'] as const) {
        for (const grouped of [true, false]) {
          const result = await store.query({
            measurement: 'energy',
            field: 'p',
            from: start,
            to: NOW + 2 * HOUR,
            resolution,
            aggregate,
            ...(grouped && { groupBy: ['source'] }),
          });
          const groups = grouped ? sources.map((s) => [s]) : [sources];
          const want = groups.map((members) => {
            const buckets = new Map<number, [number, number][]>();
            for (const source of members) {
              for (const [time, value] of truth.get(source) ?? []) {
                const b = bucketStart(time, size);
                buckets.set(b, [...(buckets.get(b) ?? []), [time, value]]);
              }
            }
            return [...buckets.entries()]
              .sort((a, b) => a[0] - b[0])
              .map(([b, values]): SeriesPoint => [b, expected(values, aggregate)]);
          });
          const got = result.series.map((s) => s.points);
          expect(got.length, `${resolution} ${aggregate}`).toBe(want.length);
          got.forEach((points, g) => {
            const wanted = want[g] as SeriesPoint[];
            expect(points.map(([t]) => t)).toEqual(wanted.map(([t]) => t));
            points.forEach(([, value], i) => {
              expect(value, `${resolution} ${aggregate} #${i}`).toBeCloseTo(
                (wanted[i] as SeriesPoint)[1],
                9,
              );
            });
          });
        }
      }
    }
  });

  it('recomputes min and max when the extreme value is overwritten', async () => {
    const t = NOW - HOUR;
    await store.write([point('m1', t, { p: -50 }), point('m1', t + 1_000, { p: 3 })]);
    expect(store.writeSync([point('m1', t, { p: 7 }), point('m1', t + 1_000, { p: 3 })])).toEqual({
      inserted: 0,
      overwritten: 1,
      unchanged: 1,
    });
    for (const resolution of ['1m', '15m', '1h', '1d'] as const) {
      const min = await store.query({
        measurement: 'energy',
        field: 'p',
        from: t,
        to: t + MINUTE,
        resolution,
        aggregate: 'min',
      });
      expect(min.series[0]?.points[0]?.[1], resolution).toBe(3);
    }
  });

  it('applies retention on the clock, cutting whole UTC days, keeping 1 h and 1 d forever', async () => {
    const points: Point[] = [];
    // One point every 30 min over the 40 days before NOW (raw 7 d, 1 min 30 d by default).
    for (let t = NOW - 40 * DAY; t < NOW; t += 30 * MINUTE) points.push(point('m1', t, { p: 1 }));
    await store.write(points);
    const count = async (resolution: 'raw' | '1m' | '15m' | '1h' | '1d') =>
      (
        await store.query({
          measurement: 'energy',
          field: 'p',
          from: NOW - 400 * DAY,
          to: NOW,
          resolution,
          aggregate: 'count',
        })
      ).series[0]?.points.length ?? 0;
    expect(await count('raw')).toBe(1_920);

    // Retention runs hourly on the store's clock: advance past the first run, at NOW + 1 h,
    // which keeps raw from NOW - 7 d and 1 min from NOW - 30 d (NOW is a UTC midnight).
    await clock.advance(HOUR + 10 * MINUTE);
    expect(await count('raw')).toBe(7 * 48);
    expect(await count('1m')).toBe(30 * 48);
    expect(await count('15m')).toBe(1_920);
    expect(await count('1h')).toBe(960);
    expect(await count('1d')).toBe(40);

    // Direct calls, with the counts of what went away: a day later, one more day of each.
    const later = NOW + DAY + 3 * HOUR;
    expect(store.applyRetention(later)).toEqual({ raw: 48, '1m': 48, '15m': 0, '1h': 0, '1d': 0 });
    expect(store.applyRetention(later)).toEqual({ raw: 0, '1m': 0, '15m': 0, '1h': 0, '1d': 0 });
  });

  it('reads old spans from the rollups that still cover them', async () => {
    await store.write([point('m1', NOW - 10 * DAY, { p: 5 }), point('m1', NOW - HOUR, { p: 6 })]);
    store.applyRetention(NOW);
    // 10 minutes, 10 days ago: raw would be finest but is gone there; 1 min still holds it.
    const old = await store.query({
      measurement: 'energy',
      field: 'p',
      from: NOW - 10 * DAY,
      to: NOW - 10 * DAY + 10 * MINUTE,
      resolution: 'auto',
    });
    expect(old).toEqual({
      resolution: '1m',
      series: [{ tags: {}, points: [[NOW - 10 * DAY, 5]] }],
    });
    const recent = await store.query({
      measurement: 'energy',
      field: 'p',
      from: NOW - HOUR,
      to: NOW - HOUR + 10 * MINUTE,
      resolution: 'auto',
    });
    expect(recent.resolution).toBe('raw');
  });

  it('finds the newest value in a rollup when the raw rows are gone', async () => {
    await store.write([
      point('m1', NOW - 10 * DAY + 5_000, { p: 5 }),
      point('m2', NOW - HOUR, { p: 6 }),
    ]);
    store.applyRetention(NOW);
    expect(await store.latest('energy', 'p')).toEqual([
      {
        tags: { device: 'meters-1', site: 'town-hall', source: 'm1' },
        time: NOW - 10 * DAY + 5_000,
        value: 5,
      },
      { tags: { device: 'meters-1', site: 'town-hall', source: 'm2' }, time: NOW - HOUR, value: 6 },
    ]);
  });

  it('corrects sum and last for a point rewritten after raw retention passed its hour', async () => {
    const old = NOW - 10 * DAY;
    store.applyRetention(NOW);
    // A late replay, older than raw retention, then one of its values rewritten differently:
    // its buckets cannot be rebuilt from raw rows (retention may have dropped some).
    await store.write([point('m1', old, { p: 2 }), point('m1', old + 1_000, { p: 4 })]);
    await store.write([point('m1', old + 1_000, { p: 10 })]);
    for (const resolution of ['1m', '15m', '1h', '1d'] as const) {
      const ask = async (aggregate: Aggregate) =>
        (
          await store.query({
            measurement: 'energy',
            field: 'p',
            from: old,
            to: old + MINUTE,
            resolution,
            aggregate,
          })
        ).series[0]?.points[0]?.[1];
      expect(await ask('count'), resolution).toBe(2);
      expect(await ask('sum'), resolution).toBe(12);
      expect(await ask('last'), resolution).toBe(10);
      expect(await ask('max'), resolution).toBe(10);
    }
  });

  it('keeps its data across a reopen, in a WAL-mode file', async () => {
    await store.write([point('m1', NOW - HOUR, { p: 1 }), point('m2', NOW - HOUR, { q: 2 })]);
    await store.close();
    store = new EmbeddedStore({ path, clock });
    await store.write([point('m1', NOW - HOUR + 1_000, { p: 3 })]);
    const result = await store.query({
      measurement: 'energy',
      field: 'p',
      from: NOW - HOUR,
      to: NOW,
      resolution: '1m',
      aggregate: 'count',
      groupBy: ['source'],
    });
    expect(result.series).toEqual([{ tags: { source: 'm1' }, points: [[NOW - HOUR, 2]] }]);
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT count(*) FROM series').pluck().get()).toBe(2);
    } finally {
      db.close();
    }
  });

  it('forgets the series a failed write created, so later ids stay right', async () => {
    await store.write([point('a', NOW - HOUR, { p: 1 })]);
    const other = new BetterSqlite3(path);
    try {
      // Make the write fail inside its transaction, after it has created series and field ids.
      other.exec(
        "CREATE TRIGGER fail BEFORE INSERT ON rollup_1d BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
      );
      await expect(store.write([point('b', NOW - HOUR, { q: 2 })])).rejects.toThrow('disk on fire');
      other.exec('DROP TRIGGER fail');
    } finally {
      other.close();
    }
    await store.write([point('c', NOW - HOUR, { p: 3 })]);
    expect(await store.latest('energy', 'p')).toEqual([
      { tags: { device: 'meters-1', site: 'town-hall', source: 'a' }, time: NOW - HOUR, value: 1 },
      { tags: { device: 'meters-1', site: 'town-hall', source: 'c' }, time: NOW - HOUR, value: 3 },
    ]);
    expect(await store.latest('energy', 'q')).toEqual([]);
  });

  it('refuses a file written by another schema version', async () => {
    await store.close();
    const db = new BetterSqlite3(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new EmbeddedStore({ path, clock })).toThrow(ConfigError);
    store = new EmbeddedStore({ path: join(dir, 'other.sqlite'), clock });
  });

  it('refuses a query that would return more points than its limit', async () => {
    await store.close();
    store = new EmbeddedStore({ path, clock, maxPoints: 3 });
    const points = [0, 1, 2, 3].map((i) => point('m1', NOW - HOUR + i * MINUTE, { p: i }));
    await store.write(points);
    const q = { measurement: 'energy', field: 'p', from: NOW - HOUR, to: NOW } as const;
    await expect(store.query({ ...q, resolution: '1m' })).rejects.toMatchObject({
      code: 'TSDB_QUERY_INVALID',
    });
    expect((await store.query({ ...q, resolution: '1h' })).series[0]?.points).toHaveLength(1);
  });

  it('reads each series through its primary key, without scanning a table', () => {
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1, 0, 1, 10) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n');
      const rollup = plan(rollupSql('1m', 'mean', [1, 2, 3]));
      expect(rollup).toMatch(
        /SEARCH rollup_1m USING PRIMARY KEY \(series_id=\? AND field_id=\? AND bucket>\? AND bucket<\?\)/,
      );
      for (const raw of [plan(rawSql('last', [4])), plan(rawBucketSql('1h', 'count', [4, 5]))]) {
        expect(raw).toMatch(
          /SEARCH raw USING PRIMARY KEY \(series_id=\? AND time>\? AND time<\?\)/,
        );
        expect(raw).not.toMatch(/\bSCAN raw\b/);
      }
      expect(rollup).not.toMatch(/\bSCAN\b/);
    } finally {
      db.close();
    }
  });

  it('stops its retention timer and refuses work once closed', async () => {
    expect(clock.pending).toBe(1);
    await store.close();
    await store.close();
    expect(clock.pending).toBe(0);
    await expect(store.write([point('m1', NOW, { p: 1 })])).rejects.toMatchObject({
      code: 'TSDB_UNAVAILABLE',
    });
  });
});
