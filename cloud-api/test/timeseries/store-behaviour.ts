import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, TOPICS } from '@hameau/protocol';
import type { Point } from '../../src/timeseries/point.js';
import { telemetryToPoint } from '../../src/timeseries/telemetry-point.js';
import type { TimeSeriesError } from '../../src/timeseries/time-series-error.js';
import type { TimeSeriesStore } from '../../src/timeseries/time-series-store.js';

/** A fresh, empty store on `clock`, and how to dispose of it. */
export interface OpenedStore {
  readonly store: TimeSeriesStore;
  cleanup(): Promise<void>;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** 2026-01-01T00:00Z, the ManualClock's default start; data is written in the hours before. */
export const NOW = Date.UTC(2026, 0, 1);
/** The start of an hour, six hours before NOW. */
export const T0 = NOW - 6 * HOUR;

export function point(
  source: string,
  time: number,
  fields: Record<string, number>,
  extra: Record<string, string> = {},
): Point {
  return {
    measurement: 'energy',
    tags: { site: 'town-hall', device: 'meters-1', source, ...extra },
    fields,
    time,
  };
}

/**
 * The behaviour every TimeSeriesStore must show, run against the embedded store and a real
 * InfluxDB so that switching stores changes nothing a dashboard sees.
 */
export function describeStoreBehaviour(
  name: string,
  open: (clock: ManualClock) => Promise<OpenedStore>,
): void {
  describe(`${name}: common behaviour`, () => {
    let clock: ManualClock;
    let opened: OpenedStore;
    let store: TimeSeriesStore;

    beforeEach(async () => {
      clock = new ManualClock(NOW);
      opened = await open(clock);
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('reads raw points back per series, over [from, to)', async () => {
      await store.write([
        point('m1', T0, { power_w: 1.5, seq: 1 }),
        point('m1', T0 + 10_000, { power_w: 2.25, seq: 2 }),
        point('m2', T0 + 5_000, { power_w: -0.0025, seq: 7 }),
        point('m1', T0 + 20_000, { power_w: 99, seq: 3 }),
      ]);
      const result = await store.query({
        measurement: 'energy',
        field: 'power_w',
        from: T0,
        to: T0 + 20_000,
        resolution: 'raw',
        groupBy: ['source'],
      });
      expect(result).toEqual({
        resolution: 'raw',
        series: [
          {
            tags: { source: 'm1' },
            points: [
              [T0, 1.5],
              [T0 + 10_000, 2.25],
            ],
          },
          { tags: { source: 'm2' }, points: [[T0 + 5_000, -0.0025]] },
        ],
      });
      const seq = await store.query({
        measurement: 'energy',
        field: 'seq',
        tags: { source: 'm1' },
        from: T0,
        to: T0 + HOUR,
        resolution: 'raw',
      });
      expect(seq.series).toEqual([
        {
          tags: {},
          points: [
            [T0, 1],
            [T0 + 10_000, 2],
            [T0 + 20_000, 3],
          ],
        },
      ]);
    });

    it('writes telemetry without its null readings or missing reasons', async () => {
      const payload = TOPICS.telemetry.decode(
        JSON.stringify({
          seq: 41,
          at: new Date(T0 + 1_000).toISOString(),
          historical: false,
          source: 'meter-7',
          values: { power_w: 230.5, voltage_v: null },
          missing: { voltage_v: 'modbus timeout' },
        }),
      );
      await store.write([
        telemetryToPoint({ site: 'town-hall', device: 'meters-1', stream: 'energy' }, payload),
      ]);
      const ask = (field: string) =>
        store.query({ measurement: 'energy', field, from: T0, to: T0 + HOUR, resolution: 'raw' });
      expect((await ask('power_w')).series).toEqual([{ tags: {}, points: [[T0 + 1_000, 230.5]] }]);
      expect((await ask('seq')).series).toEqual([{ tags: {}, points: [[T0 + 1_000, 41]] }]);
      expect((await ask('voltage_v')).series).toEqual([]);
      expect(await store.latest('energy', 'voltage_v')).toEqual([]);
    });

    it('aggregates 1-minute buckets per series and across series', async () => {
      await store.write([
        point('m1', T0 + 1_000, { p: 1 }),
        point('m1', T0 + 30_000, { p: 3 }),
        point('m1', T0 + MINUTE + 5_000, { p: 10 }),
        point('m2', T0 + 2_000, { p: 5 }),
        point('m2', T0 + 40_000, { p: 7 }),
      ]);
      const q = (
        aggregate: 'mean' | 'min' | 'max' | 'sum' | 'last' | 'count',
        groupBy?: string[],
      ) =>
        store.query({
          measurement: 'energy',
          field: 'p',
          from: T0,
          to: T0 + 2 * MINUTE,
          resolution: '1m',
          aggregate,
          ...(groupBy && { groupBy }),
        });
      expect(await q('mean', ['source'])).toEqual({
        resolution: '1m',
        series: [
          {
            tags: { source: 'm1' },
            points: [
              [T0, 2],
              [T0 + MINUTE, 10],
            ],
          },
          { tags: { source: 'm2' }, points: [[T0, 6]] },
        ],
      });
      const across = async (aggregate: Parameters<typeof q>[0]) => (await q(aggregate)).series;
      expect(await across('mean')).toEqual([
        {
          tags: {},
          points: [
            [T0, 4],
            [T0 + MINUTE, 10],
          ],
        },
      ]);
      expect(await across('min')).toEqual([
        {
          tags: {},
          points: [
            [T0, 1],
            [T0 + MINUTE, 10],
          ],
        },
      ]);
      expect(await across('max')).toEqual([
        {
          tags: {},
          points: [
            [T0, 7],
            [T0 + MINUTE, 10],
          ],
        },
      ]);
      expect(await across('sum')).toEqual([
        {
          tags: {},
          points: [
            [T0, 16],
            [T0 + MINUTE, 10],
          ],
        },
      ]);
      expect(await across('count')).toEqual([
        {
          tags: {},
          points: [
            [T0, 4],
            [T0 + MINUTE, 1],
          ],
        },
      ]);
      expect(await across('last')).toEqual([
        {
          tags: {},
          points: [
            [T0, 7],
            [T0 + MINUTE, 10],
          ],
        },
      ]);
    });

    it('buckets by 15 minutes and 1 hour on whole, epoch-aligned buckets', async () => {
      const points: Point[] = [];
      for (let i = 0; i < 12; i++) points.push(point('m1', T0 + i * 10 * MINUTE, { p: i }));
      await store.write(points);
      const q = (resolution: '15m' | '1h', from: number, to: number) =>
        store.query({ measurement: 'energy', field: 'p', from, to, resolution, aggregate: 'sum' });
      // Values 0..11 every 10 min: 15-min buckets hold [0,1], [2], [3,4], [5], ...
      expect((await q('15m', T0, T0 + HOUR)).series[0]?.points).toEqual([
        [T0, 1],
        [T0 + 15 * MINUTE, 2],
        [T0 + 30 * MINUTE, 7],
        [T0 + 45 * MINUTE, 5],
      ]);
      // A range starting and ending mid-bucket covers the whole buckets it touches.
      expect((await q('1h', T0 + 20 * MINUTE, T0 + HOUR + 1)).series[0]?.points).toEqual([
        [T0, 15],
        [T0 + HOUR, 51],
      ]);
    });

    it('buckets by UTC day', async () => {
      await store.write([
        point('m1', T0 - 20 * HOUR, { kwh: 1 }),
        point('m1', T0 - 19 * HOUR, { kwh: 2 }),
        point('m2', T0, { kwh: 4 }),
      ]);
      const day = NOW - 24 * HOUR;
      const result = await store.query({
        measurement: 'energy',
        field: 'kwh',
        from: day - 1,
        to: NOW,
        resolution: '1d',
        aggregate: 'sum',
      });
      expect(result).toEqual({
        resolution: '1d',
        series: [
          {
            tags: {},
            points: [
              [day - 24 * HOUR, 3],
              [day, 4],
            ],
          },
        ],
      });
    });

    it('answers bucketed queries on seq, such as messages per minute', async () => {
      await store.write([
        point('m1', T0 + 1_000, { p: 1, seq: 10 }),
        point('m1', T0 + 2_000, { seq: 11 }),
        point('m1', T0 + MINUTE, { p: 2, seq: 12 }),
        point('m2', T0 + 3_000, { seq: 500 }),
      ]);
      const q = (aggregate: 'count' | 'max' | 'last') =>
        store.query({
          measurement: 'energy',
          field: 'seq',
          tags: { source: 'm1' },
          from: T0,
          to: T0 + 2 * MINUTE,
          resolution: '1m',
          aggregate,
        });
      expect((await q('count')).series[0]?.points).toEqual([
        [T0, 2],
        [T0 + MINUTE, 1],
      ]);
      expect((await q('max')).series[0]?.points).toEqual([
        [T0, 11],
        [T0 + MINUTE, 12],
      ]);
      expect((await q('last')).series[0]?.points).toEqual([
        [T0, 11],
        [T0 + MINUTE, 12],
      ]);
      expect(await store.latest('energy', 'seq', { source: 'm2' })).toMatchObject([
        { time: T0 + 3_000, value: 500 },
      ]);
    });

    it('filters on tags and groups by another tag', async () => {
      await store.write([
        point('m1', T0, { p: 1 }, { phase: 'a' }),
        point('m2', T0, { p: 2 }, { phase: 'a' }),
        point('m3', T0, { p: 4 }, { phase: 'b' }),
        {
          measurement: 'energy',
          tags: { site: 'station', source: 'm1' },
          fields: { p: 100 },
          time: T0,
        },
        {
          measurement: 'lighting',
          tags: { site: 'town-hall', source: 'm1' },
          fields: { p: 1000 },
          time: T0,
        },
      ]);
      const result = await store.query({
        measurement: 'energy',
        field: 'p',
        tags: { site: 'town-hall' },
        from: T0,
        to: T0 + MINUTE,
        resolution: '1m',
        aggregate: 'sum',
        groupBy: ['phase'],
      });
      expect(result.series).toEqual([
        { tags: { phase: 'a' }, points: [[T0, 3]] },
        { tags: { phase: 'b' }, points: [[T0, 4]] },
      ]);
      const none = await store.query({
        measurement: 'energy',
        field: 'p',
        tags: { site: 'nowhere' },
        from: T0,
        to: T0 + MINUTE,
        resolution: '1m',
      });
      expect(none.series).toEqual([]);
    });

    it('overwrites a rewritten point instead of counting it twice', async () => {
      await store.write([point('m1', T0, { p: 1, q: 5 }), point('m1', T0 + 1_000, { p: 2 })]);
      await store.write([point('m1', T0, { p: 1, q: 5 })]);
      await store.write([point('m1', T0 + 1_000, { p: 8 })]);
      const q = (aggregate: 'count' | 'mean' | 'max', resolution: 'raw' | '1m' | '1h') =>
        store.query({
          measurement: 'energy',
          field: 'p',
          from: T0,
          to: T0 + MINUTE,
          resolution,
          aggregate,
        });
      expect((await q('count', '1m')).series[0]?.points).toEqual([[T0, 2]]);
      expect((await q('mean', '1m')).series[0]?.points).toEqual([[T0, 4.5]]);
      expect((await q('max', '1h')).series[0]?.points).toEqual([[T0, 8]]);
      expect((await q('mean', 'raw')).series[0]?.points).toEqual([
        [T0, 1],
        [T0 + 1_000, 8],
      ]);
    });

    it('answers the newest value per series, with its tags', async () => {
      await store.write([
        point('m1', T0, { p: 1 }),
        point('m1', T0 + 2 * HOUR, { p: 2 }),
        point('m1', T0 + HOUR, { p: 3 }),
        point('m2', T0 + 30_000, { p: 4 }),
        point('m2', T0 + 60_000, { q: 5 }),
      ]);
      expect(await store.latest('energy', 'p')).toEqual([
        {
          tags: { device: 'meters-1', site: 'town-hall', source: 'm1' },
          time: T0 + 2 * HOUR,
          value: 2,
        },
        {
          tags: { device: 'meters-1', site: 'town-hall', source: 'm2' },
          time: T0 + 30_000,
          value: 4,
        },
      ]);
      expect(await store.latest('energy', 'p', { source: 'm2' })).toEqual([
        {
          tags: { device: 'meters-1', site: 'town-hall', source: 'm2' },
          time: T0 + 30_000,
          value: 4,
        },
      ]);
      expect(await store.latest('energy', 'nothing')).toEqual([]);
    });

    it('answers the newest value since a time, leaving out series silent since then', async () => {
      await store.write([
        point('m1', T0, { p: 1 }),
        point('m1', T0 + 2 * HOUR, { p: 2 }),
        point('m1', T0 + HOUR, { p: 3 }),
        point('m2', T0 + 30_000, { p: 4 }),
        point('m3', T0 + 3 * HOUR, { q: 6 }),
      ]);
      const since = async (time: number, tags?: Record<string, string>) =>
        (await store.latest('energy', 'p', tags, { since: time })).map((l) => [
          l.tags.source,
          l.time,
          l.value,
        ]);
      // m2 fell silent before the bound, and m3 never had the field.
      expect(await since(T0 + HOUR)).toEqual([['m1', T0 + 2 * HOUR, 2]]);
      // The bound is inclusive, and it does not change which value is the newest.
      expect(await since(T0 + 2 * HOUR)).toEqual([['m1', T0 + 2 * HOUR, 2]]);
      expect(await since(T0 + 2 * HOUR + 1)).toEqual([]);
      expect(await since(T0)).toEqual([
        ['m1', T0 + 2 * HOUR, 2],
        ['m2', T0 + 30_000, 4],
      ]);
      expect(await since(T0, { source: 'm2' })).toEqual([['m2', T0 + 30_000, 4]]);
    });

    it('keeps tag values with spaces, commas, equals signs and quotes intact', async () => {
      const odd = `meter 7, "east"=it's\\here`;
      await store.write([point(odd, T0, { 'power w': 3 }), point('plain', T0, { 'power w': 4 })]);
      const result = await store.query({
        measurement: 'energy',
        field: 'power w',
        tags: { source: odd },
        from: T0,
        to: T0 + MINUTE,
        resolution: 'raw',
        groupBy: ['source'],
      });
      expect(result.series).toEqual([{ tags: { source: odd }, points: [[T0, 3]] }]);
      const latest = await store.latest('energy', 'power w');
      expect(latest.map((l) => l.tags.source)).toEqual([odd, 'plain'].sort());
    });

    it('picks the resolution from the span when asked for auto', async () => {
      await store.write([point('m1', T0, { p: 1 })]);
      const auto = async (span: number) =>
        (
          await store.query({
            measurement: 'energy',
            field: 'p',
            from: NOW - span,
            to: NOW,
            resolution: 'auto',
          })
        ).resolution;
      expect(await auto(20 * MINUTE)).toBe('raw');
      expect(await auto(6 * HOUR)).toBe('1m');
      expect(await auto(3 * 24 * HOUR)).toBe('15m');
      expect(await auto(60 * 24 * HOUR)).toBe('1h');
      expect(await auto(400 * 24 * HOUR)).toBe('1d');
    });

    it('refuses an invalid batch whole, listing every problem', async () => {
      const error = await store
        .write([
          point('ok', T0, { p: 1 }),
          point('bad\\', T0, { p: Number.NaN }),
          point('ok', T0 + 1, { seq: 1.5, time: 2 }),
        ])
        .then(
          () => null,
          (err: unknown) => err as TimeSeriesError,
        );
      expect(error?.code).toBe('TSDB_POINT_INVALID');
      expect(error?.details.problems).toEqual([
        'point 1: tag source: value "bad\\\\" is empty or not line-safe',
        'point 1: field p: NaN is not a finite number',
        'point 2: field seq: 1.5 is not an integer',
        'point 2: field key "time" is empty, reserved or not line-safe',
      ]);
      const result = await store.query({
        measurement: 'energy',
        field: 'p',
        from: T0,
        to: T0 + MINUTE,
        resolution: 'raw',
      });
      expect(result.series).toEqual([]);
    });

    it('refuses an invalid query with TSDB_QUERY_INVALID', async () => {
      await expect(
        store.query({ measurement: 'energy', field: 'p', from: T0, to: T0, resolution: '1m' }),
      ).rejects.toMatchObject({ code: 'TSDB_QUERY_INVALID' });
      await expect(store.latest('energy', 'p', {}, { since: 1.5 })).rejects.toMatchObject({
        code: 'TSDB_QUERY_INVALID',
      });
    });
  });
}
