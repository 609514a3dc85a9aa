import { describe, expect, it } from 'vitest';
import {
  frameGapMs,
  readCycleMs,
  readReplyBytes,
  replyDelayMs,
  rtuCeiling,
  wireMs,
} from '../../src/modbus/rtu-cycle.js';

/** The plan the agent makes for an SDM630 (registers per read), as seen on the wire. */
const SDM630_PLAN = [18, 2, 2, 4, 6, 2, 6];

describe('the RTU timing of shared/reference/meters.md', () => {
  it('takes 11 bits per character and 3.5 characters of silence up to 19,200 baud', () => {
    expect(wireMs(8, 9_600)).toBeCloseTo(9.1667, 4); // 88 bits
    expect(frameGapMs(9_600)).toBeCloseTo(4.0104, 4); // 38.5 bits
    expect(frameGapMs(19_200)).toBeCloseTo(2.0052, 4);
  });

  it('keeps a fixed 1.75 ms of silence above 19,200 baud', () => {
    expect(frameGapMs(38_400)).toBe(1.75);
    expect(frameGapMs(115_200)).toBe(1.75);
  });

  it('answers a read of N registers with 5 + 2N bytes', () => {
    expect(readReplyBytes(2)).toBe(9);
    expect(readReplyBytes(125)).toBe(255);
  });

  it('gives the reference’s worked example: a 2-register read is 27.5 ms at 9600 baud', () => {
    // (8 + 9) × 11 / 9600 = 19.479 ms on the wire, plus 2 × 4.010 ms of silence.
    expect(readCycleMs(2, 9_600, 0)).toBeCloseTo(27.5, 10);
    expect(readCycleMs(2, 9_600, 5)).toBeCloseTo(32.5, 10);
    // "at most about 36 reads/s on one bus"
    expect(rtuCeiling([[2]], 9_600, 0).readsPerSecond).toBeCloseTo(36.36, 2);
  });

  it('gives 13.7 ms and about 73 reads/s at 19200 baud', () => {
    expect(readCycleMs(2, 19_200, 0)).toBeCloseTo(13.75, 10);
    expect(rtuCeiling([[2]], 19_200, 0).readsPerSecond).toBeCloseTo(72.73, 2);
  });

  it('uses the fixed gap above 19,200 baud', () => {
    // 17 × 11 / 38400 = 4.870 ms, plus 2 × 1.75 ms.
    expect(readCycleMs(2, 38_400, 0)).toBeCloseTo(8.3698, 4);
  });

  it('delays a reply on a pty by the request, t3.5, the turnaround and the reply', () => {
    // 9.167 + 4.010 + 2 + 10.313 ms.
    expect(replyDelayMs(8, 9, 9_600, 2, true)).toBeCloseTo(25.4896, 4);
    expect(replyDelayMs(8, 9, 9_600, 2, false)).toBeCloseTo(16.3229, 4);
  });
});

describe('rtuCeiling', () => {
  it('sums one round of every meter’s reads: four SDM630s at 9600 baud, 2 ms turnaround', () => {
    // 171 bytes per meter: 195.94 ms on the wire, 7 × 8.021 ms of silence, 7 × 2 ms.
    const ceiling = rtuCeiling([SDM630_PLAN, SDM630_PLAN, SDM630_PLAN, SDM630_PLAN], 9_600, 2);
    expect(ceiling.reads).toBe(28);
    expect(ceiling.roundMs).toBeCloseTo(4 * 266.0833, 3);
    expect(ceiling.readsPerSecond).toBeCloseTo(26.3075, 4);
    expect(ceiling.pollsPerSecondPerMeter).toBeCloseTo(0.939556, 5);
  });

  it('is the same per read whatever the number of identical meters', () => {
    const one = rtuCeiling([SDM630_PLAN], 19_200, 2);
    const four = rtuCeiling([SDM630_PLAN, SDM630_PLAN, SDM630_PLAN, SDM630_PLAN], 19_200, 2);
    expect(four.readsPerSecond).toBeCloseTo(one.readsPerSecond, 10);
    expect(four.pollsPerSecondPerMeter).toBeCloseTo(one.pollsPerSecondPerMeter / 4, 10);
  });

  it('mixes plans of different meters in one round', () => {
    // 27.5 + 32.083 ms (4 registers: 21 bytes = 24.063 ms + 8.021 ms).
    const ceiling = rtuCeiling([[2], [4]], 9_600, 0);
    expect(ceiling.roundMs).toBeCloseTo(59.5833, 4);
    expect(ceiling.readsPerSecond).toBeCloseTo(2000 / 59.5833, 3);
  });

  it('refuses a bus with nothing to read', () => {
    expect(() => rtuCeiling([], 9_600, 2)).toThrow(RangeError);
    expect(() => rtuCeiling([[]], 9_600, 2)).toThrow(RangeError);
  });
});
