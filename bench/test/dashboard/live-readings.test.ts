import { describe, expect, it } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import {
  LIVE_SITE,
  LiveMeter,
  MARKER_WATTS_PER_SEQ,
  markerSeqOf,
} from '../../src/dashboard/live-readings.js';

const T0 = Date.UTC(2026, 10, 26, 9);

describe('LiveMeter', () => {
  it('publishes valid energy telemetry of its own device, seq from 1', () => {
    const meter = new LiveMeter(3);
    expect(TOPICS.telemetry.match(meter.topic)).toEqual({
      site: LIVE_SITE,
      device: 'live-03',
      stream: 'energy',
    });
    const readings = [0, 1].map((i) => TOPICS.telemetry.decode(meter.next(T0 + i).payload));
    expect(readings.map((r) => r.seq)).toEqual([1, 2]);
    expect(readings[0]?.values['power_w']).toBe(1_000);
    expect(meter.sent).toBe(2);
  });

  it('stamps readings of one meter at distinct, increasing milliseconds', () => {
    const meter = new LiveMeter(1);
    const at = [T0, T0, T0 + 0.5, T0 + 10].map((t) =>
      Date.parse(TOPICS.telemetry.decode(meter.next(t).payload).at),
    );
    expect(at).toEqual([T0, T0 + 1, T0 + 2, T0 + 10]);
  });

  it('gives the marker meter a power that says which reading it is', () => {
    const marker = new LiveMeter(0);
    marker.next(T0);
    const second = TOPICS.telemetry.decode(marker.next(T0 + 5).payload);
    expect(second.values['power_w']).toBe(2 * MARKER_WATTS_PER_SEQ);
    const counters = [second, TOPICS.telemetry.decode(marker.next(T0 + 9).payload)].map(
      (r) => r.values['energy_import_kwh'] as number,
    );
    expect(counters[1]).toBeGreaterThan(counters[0] as number);
  });
});

describe('markerSeqOf', () => {
  it('reads the marker reading out of a town total, whatever the other meters add', () => {
    expect(markerSeqOf(42 * MARKER_WATTS_PER_SEQ)).toBe(42);
    expect(markerSeqOf(42 * MARKER_WATTS_PER_SEQ + 153_812.7)).toBe(42);
  });

  it('gives nothing when the marker is not in the total', () => {
    expect(markerSeqOf(null)).toBeNull();
    expect(markerSeqOf(153_812.7)).toBeNull();
    expect(markerSeqOf(Number.NaN)).toBeNull();
  });
});
