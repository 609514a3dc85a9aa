import { describe, expect, it } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import {
  MeterReadings,
  meterDeviceId,
  METER_SOURCE,
  SDM630_QUANTITIES,
} from '../../src/ingest/meter-readings.js';

const T0 = Date.UTC(2026, 10, 25, 12);

describe('MeterReadings', () => {
  it('publishes on the device’s energy telemetry topic', () => {
    const meter = new MeterReadings('bench', 'meters-007', 7);
    expect(TOPICS.telemetry.match(meter.topic)).toEqual({
      site: 'bench',
      device: 'meters-007',
      stream: 'energy',
    });
  });

  it('makes valid SDM630 readings with consecutive seqs from 1', () => {
    const meter = new MeterReadings('bench', 'meters-000', 0);
    const decoded = [0, 1, 2].map((i) => TOPICS.telemetry.decode(meter.next(T0 + i * 10).payload));
    expect(decoded.map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(meter.sent).toBe(3);
    for (const p of decoded) {
      expect(p.source).toBe(METER_SOURCE);
      expect(p.historical).toBe(false);
      expect(Object.keys(p.values)).toEqual([...SDM630_QUANTITIES]);
      for (const v of Object.values(p.values)) expect(Number.isFinite(v)).toBe(true);
    }
    expect(decoded[0]?.at).toBe(new Date(T0).toISOString());
  });

  it('never gives two readings of one meter the same millisecond', () => {
    const meter = new MeterReadings('bench', 'meters-000', 0);
    const times = [T0, T0, T0 + 0.4, T0 + 1, T0 + 10].map((now) => meter.next(now).atMs);
    expect(times).toEqual([T0, T0 + 1, T0 + 2, T0 + 3, T0 + 10]);
    // The third reading was stamped 2 ms after the clock's T0 + 0.4 (floored to T0).
    expect(meter.aheadMs).toBeCloseTo(2, 5);
  });

  it('keeps the energy register growing and the meters apart', () => {
    const a = new MeterReadings('bench', 'meters-000', 0);
    const b = new MeterReadings('bench', 'meters-001', 1);
    const energy = (m: MeterReadings, now: number) =>
      TOPICS.telemetry.decode(m.next(now).payload).values['energy_import_kwh'] as number;
    const first = energy(a, T0);
    const later = energy(a, T0 + 1000);
    expect(later).toBeGreaterThan(first);
    expect(energy(b, T0)).not.toBe(first);
  });
});

describe('meterDeviceId', () => {
  it('pads to three digits, a valid device id', () => {
    expect(meterDeviceId(0)).toBe('meters-000');
    expect(meterDeviceId(42)).toBe('meters-042');
    expect(meterDeviceId(1234)).toBe('meters-1234');
  });
});
