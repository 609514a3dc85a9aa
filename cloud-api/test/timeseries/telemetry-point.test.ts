import { describe, expect, it } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { telemetryToPoint } from '../../src/timeseries/telemetry-point.js';

const origin = { site: 'station', device: 'meters-2', stream: 'energy' };

describe('telemetryToPoint', () => {
  it('maps a decoded telemetry message to one point', () => {
    const payload = TOPICS.telemetry.decode(
      JSON.stringify({
        seq: 9001,
        at: '2026-11-25T21:00:00.123Z',
        historical: true,
        source: 'meter 3',
        values: { power_w: 1200.5, energy_import_kwh: 0, voltage_v: null },
        missing: { voltage_v: 'CRC error' },
      }),
    );
    expect(telemetryToPoint(origin, payload)).toEqual({
      measurement: 'energy',
      tags: { site: 'station', device: 'meters-2', source: 'meter 3' },
      fields: { power_w: 1200.5, energy_import_kwh: 0, seq: 9001 },
      time: Date.UTC(2026, 10, 25, 21, 0, 0, 123),
    });
  });

  it('keeps only seq when every reading is missing', () => {
    const payload = TOPICS.telemetry.decode(
      JSON.stringify({
        seq: 1,
        at: '2026-11-25T21:00:00.000Z',
        historical: false,
        source: 'zone-1',
        values: { level_pct: null },
        missing: { level_pct: 'lamp node silent' },
      }),
    );
    expect(telemetryToPoint(origin, payload).fields).toEqual({ seq: 1 });
  });

  it('refuses a quantity named seq, which would hide the sequence number', () => {
    const payload = TOPICS.telemetry.decode(
      JSON.stringify({
        seq: 1,
        at: '2026-11-25T21:00:00.000Z',
        historical: false,
        source: 'x',
        values: { seq: 4 },
      }),
    );
    expect(() => telemetryToPoint(origin, payload)).toThrow(/reserved for the sequence number/);
  });
});
