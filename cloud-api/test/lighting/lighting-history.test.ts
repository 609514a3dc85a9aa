import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelemetryPayload } from '@hameau/protocol';
import { telemetryToPoint } from '../../src/timeseries/telemetry-point.js';
import {
  GARE_LAMPS,
  LAMPS,
  LOCKERS,
  createLightingTestApp,
  type ErrorJson,
  type LightingTestApp,
} from './lighting-test-app.js';

interface HistoryJson {
  resolution: string;
  series: string[];
  zones: { zone: string; data: (number | null)[][] }[];
}

const MINUTE = 60_000;

describe('lighting history from the time-series store', () => {
  let c: LightingTestApp;
  let t0: number;

  beforeAll(async () => {
    // The history reads the time-series store only: one dialect is enough.
    c = await createLightingTestApp('sqlite');
    t0 = c.t.clock.now() - 60 * MINUTE;
    // Telemetry as ingestion stores it: stream `lighting`, the zone as the source.
    const reading = (
      seq: number,
      at: number,
      source: string,
      values: Record<string, number | null>,
    ) =>
      telemetryToPoint(
        { ...LAMPS, stream: 'lighting' },
        TelemetryPayload.parse({
          seq,
          at: new Date(at).toISOString(),
          historical: false,
          source,
          values,
        }),
      );
    await c.t.app.hameau.timeSeries.write([
      reading(1, t0, 'connetable', { level: 100, expected_power_w: 1800, measured_power_w: 1750 }),
      reading(2, t0 + 10 * MINUTE, 'connetable', {
        level: 60,
        expected_power_w: 1080,
        measured_power_w: null,
      }),
      reading(3, t0, 'lane', { level: 80, expected_power_w: 400, measured_power_w: 390 }),
      // Another controller's zone of the same name.
      telemetryToPoint(
        { ...GARE_LAMPS, stream: 'lighting' },
        TelemetryPayload.parse({
          seq: 1,
          at: new Date(t0).toISOString(),
          historical: false,
          source: 'lane',
          values: { level: 5 },
        }),
      ),
    ]);
  });
  afterAll(async () => {
    await c.close();
  });

  it("gives each zone's level and power, aligned on one time axis", async () => {
    const res = await c.request<HistoryJson>('GET', c.url('/history?resolution=raw'));
    expect(res.status).toBe(200);
    expect(res.body.resolution).toBe('raw');
    expect(res.body.series).toEqual(['level', 'expected_power_w', 'measured_power_w']);
    const s = t0 / 1000;
    expect(res.body.zones).toEqual([
      {
        zone: 'connetable',
        data: [
          [s, s + 600],
          [100, 60],
          [1800, 1080],
          // Not measured is a gap, never 0.
          [1750, null],
        ],
      },
      { zone: 'lane', data: [[s], [80], [400], [390]] },
    ]);
  });

  it('reads one zone over a range, bucketed', async () => {
    const from = new Date(t0 - MINUTE).toISOString();
    const to = new Date(t0 + 30 * MINUTE).toISOString();
    const res = await c.request<HistoryJson>(
      'GET',
      c.url(`/history?zone=connetable&from=${from}&to=${to}&resolution=1h`),
    );
    expect(res.status).toBe(200);
    expect(res.body.resolution).toBe('1h');
    expect(res.body.zones.map((z) => z.zone)).toEqual(['connetable']);
    // t0 is 11:00 UTC: both readings fall in that hour, averaged.
    expect(res.body.zones[0]?.data).toEqual([[t0 / 1000], [80], [1440], [1750]]);
  });

  it('refuses a range that ends before it starts, and other devices', async () => {
    const res = await c.request<ErrorJson>(
      'GET',
      c.url('/history?from=2026-11-25T12:00:00.000Z&to=2026-11-25T11:00:00.000Z'),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues[0]?.path).toBe('querystring.from');
    const locker = await c.request<ErrorJson>('GET', c.url('/history', LOCKERS));
    expect(locker.body.error.code).toBe('LIGHTING_CONTROLLER_NOT_FOUND');
  });
});
