import { describe, expect, it } from 'vitest';
import type { IngestedMessage } from '@hameau/cloud-api';
import { LagRecorder } from '../../src/ingest/lag-recorder.js';

const T0 = Date.UTC(2026, 10, 25, 12);

const telemetry = (seq: number, atMs: number): IngestedMessage => ({
  kind: 'telemetry',
  site: 'bench',
  device: 'meters-000',
  stream: 'energy',
  receivedAt: atMs,
  payload: {
    seq,
    at: new Date(atMs).toISOString(),
    historical: false,
    source: 'sdm630-1',
    values: { power_w: 1 },
  },
});

const birth: IngestedMessage = {
  kind: 'status',
  site: 'bench',
  device: 'meters-000',
  receivedAt: T0,
  payload: { state: 'online', session: 1, at: new Date(T0).toISOString(), kind: 'meters' },
};

describe('LagRecorder', () => {
  it('records nothing until armed', async () => {
    const recorder = new LagRecorder(() => T0 + 100);
    await recorder.onBatch([telemetry(1, T0)]);
    expect(recorder.progress()).toEqual({ stored: 0, firstStoredAt: null, lastStoredAt: null });
  });

  it('measures each telemetry message from its `at` to its batch, skipping other kinds', async () => {
    let now = T0 + 50;
    const recorder = new LagRecorder(() => now);
    recorder.arm(4);
    await recorder.onBatch([birth, telemetry(1, T0), telemetry(2, T0 + 20)]);
    now = T0 + 300;
    await recorder.onBatch([telemetry(3, T0 + 100), telemetry(4, T0 + 290)]);
    expect(recorder.progress()).toEqual({
      stored: 4,
      firstStoredAt: T0 + 50,
      lastStoredAt: T0 + 300,
    });
    const lag = recorder.summary();
    expect(lag.count).toBe(4);
    expect(lag.min).toBe(10);
    expect(lag.max).toBe(200);
    expect(lag.p50).toBe(30);
  });

  it('starts afresh when armed again, and keeps counting past what it expected', async () => {
    const recorder = new LagRecorder(() => T0 + 5);
    recorder.arm(1);
    await recorder.onBatch([telemetry(1, T0)]);
    recorder.arm(1);
    // More than its first buffer holds, so it has to grow without dropping any.
    const many = Array.from({ length: 3_000 }, (_, i) => telemetry(i + 2, T0 + (i % 5)));
    await recorder.onBatch(many);
    expect(recorder.progress().stored).toBe(3_000);
    const lag = recorder.summary();
    expect(lag.count).toBe(3_000);
    expect([lag.min, lag.max]).toEqual([1, 5]);
    recorder.disarm();
    await recorder.onBatch([telemetry(5_000, T0)]);
    expect(recorder.progress().stored).toBe(3_000);
  });
});
