import { describe, expect, it } from 'vitest';
import type { Point } from '@hameau/cloud-api';
import {
  DATASET_END,
  datasetKey,
  datasetPoints,
  datasetStart,
  DAY_MS,
  historyBatches,
  MeterHistory,
  MINUTE_MS,
  townMeter,
} from '../../src/dashboard/town-dataset.js';

const spec = { meters: 4, days: 2 };

describe('historyBatches', () => {
  const batches = [...historyBatches(spec, 1_000)];
  const points = batches.flat();

  it('gives one reading per meter per minute over the whole span, in time order', () => {
    expect(points).toHaveLength(datasetPoints(spec));
    expect(points).toHaveLength(4 * 2 * 1_440);
    const first = points[0] as Point;
    const last = points.at(-1) as Point;
    expect(first.time).toBeGreaterThanOrEqual(datasetStart(spec));
    expect(last.time).toBeLessThan(DATASET_END);
    expect(datasetStart(spec)).toBe(DATASET_END - 2 * DAY_MS);
    const perMeter = new Map<string, number[]>();
    for (const p of points) {
      const list = perMeter.get(p.tags['source'] ?? '') ?? [];
      list.push(p.time);
      perMeter.set(p.tags['source'] ?? '', list);
    }
    expect(perMeter.size).toBe(4);
    for (const times of perMeter.values()) {
      expect(times).toHaveLength(2 * 1_440);
      for (let i = 1; i < times.length; i++) {
        expect((times[i] as number) - (times[i - 1] as number)).toBe(MINUTE_MS);
      }
    }
  });

  it('cuts batches on whole minutes, about the size asked', () => {
    for (const batch of batches.slice(0, -1)) expect(batch).toHaveLength(1_000);
    // 250 minutes of 4 meters per batch; a minute is never split across two batches.
    const minutes = (b: Point[]) => new Set(b.map((p) => Math.floor(p.time / MINUTE_MS)));
    const [a, b] = batches as [Point[], Point[]];
    for (const m of minutes(a)) expect(minutes(b).has(m)).toBe(false);
  });

  it('is the same on every run', () => {
    const again = [...historyBatches(spec, 1_000)].flat();
    expect(again).toEqual(points);
  });
});

describe('MeterHistory', () => {
  it('counts seq from 1 and keeps its counters consistent with its power', () => {
    const solarIndex = 9;
    expect(townMeter(solarIndex).solar).toBe(true);
    const meter = new MeterHistory(solarIndex);
    const start = DATASET_END - DAY_MS;
    const day = Array.from({ length: 1_440 }, (_, i) => meter.next(start + i * MINUTE_MS));
    expect(day.map((p) => p.fields['seq'])).toEqual(day.map((_, i) => i + 1));
    let imported = 0;
    let exported = 0;
    for (let i = 1; i < day.length; i++) {
      const power = day[i]?.fields['power_w'] as number;
      const dImport =
        (day[i]?.fields['energy_import_kwh'] as number) -
        (day[i - 1]?.fields['energy_import_kwh'] as number);
      const dExport =
        (day[i]?.fields['energy_export_kwh'] as number) -
        (day[i - 1]?.fields['energy_export_kwh'] as number);
      expect(dImport).toBeGreaterThanOrEqual(0);
      expect(dExport).toBeGreaterThanOrEqual(0);
      // A minute of the reading's power, in kWh, lands on one counter or the other.
      expect(power >= 0 ? dImport : dExport).toBeCloseTo(Math.abs(power) / 60_000, 3);
      imported += dImport;
      exported += dExport;
    }
    // A solar site in November both draws from the grid and exports at midday.
    expect(imported).toBeGreaterThan(0);
    expect(exported).toBeGreaterThan(0);
  });

  it('gives meters without solar panels no export counter', () => {
    const p = new MeterHistory(3).next(DATASET_END - MINUTE_MS);
    expect(Object.keys(p.fields).sort()).toEqual(['energy_import_kwh', 'power_w', 'seq']);
    expect(p.tags).toEqual({ site: 'site-03', device: 'meters-1', source: 'meter-03' });
  });
});

describe('datasetKey', () => {
  it('names the size and the generator version', () => {
    expect(datasetKey({ meters: 50, days: 365 })).toMatch(/^50-meters-365-days-v\d+$/);
  });
});
