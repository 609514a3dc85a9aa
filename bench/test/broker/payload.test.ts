import { describe, expect, it } from 'vitest';
import { TOPICS } from '@hameau/protocol';
import { benchPayload, readBenchPayload } from '../../src/broker/payload.js';

describe('benchPayload', () => {
  it('is a valid telemetry payload of about 100 bytes', () => {
    const payload = benchPayload(123_456, 98_765.4321);
    expect(() => TOPICS.telemetry.decode(payload)).not.toThrow();
    expect(payload.length).toBeGreaterThan(90);
    expect(payload.length).toBeLessThan(140);
  });

  it('round-trips its sequence number and send time exactly', () => {
    const sentMs = performance.now();
    expect(readBenchPayload(benchPayload(42, sentMs))).toEqual({ seq: 42, sentMs });
  });

  it('rejects a payload that is not one of its own', () => {
    expect(() => readBenchPayload(Buffer.from('{"seq":1}'))).toThrow(/not a bench payload/);
  });
});
