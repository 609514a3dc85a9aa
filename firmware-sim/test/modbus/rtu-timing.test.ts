import { describe, expect, it } from 'vitest';
import {
  rtuFrameMs,
  rtuPollCycleMs,
  rtuReplyDelayMs,
  rtuSilenceMs,
} from '../../src/modbus/rtu-timing.js';

describe('RTU timing (shared/reference/meters.md)', () => {
  it('takes 11 bits per character', () => {
    expect(rtuFrameMs(8, 9600)).toBeCloseTo((8 * 11 * 1000) / 9600, 12);
    expect(rtuFrameMs(1, 11_000)).toBe(1);
  });

  it('has t3.5 of 3.5 characters up to 19,200 baud and 1.75 ms above', () => {
    expect(rtuSilenceMs(9600)).toBeCloseTo(4.0104, 4);
    expect(rtuSilenceMs(19_200)).toBeCloseTo(2.0052, 4);
    expect(rtuSilenceMs(38_400)).toBe(1.75);
    expect(rtuSilenceMs(115_200)).toBe(1.75);
  });

  it('gives the reference poll cycles', () => {
    // "a 2-register read at 9600 baud takes 27.5 ms plus turnaround", "13.7 ms" at 19200.
    expect(rtuPollCycleMs(2, 9600, 0)).toBeCloseTo(27.5, 1);
    expect(rtuPollCycleMs(2, 19_200, 0)).toBeCloseTo(13.75, 2);
    expect(1000 / rtuPollCycleMs(2, 9600, 0)).toBeCloseTo(36.4, 1);
    // "At 2400 baud a single float read takes about 110 ms" (SDM120).
    expect(rtuPollCycleMs(2, 2400, 0)).toBeCloseTo(110, 0);
  });

  it('delays a reply by everything in the cycle but the master t3.5', () => {
    const delay = rtuReplyDelayMs(8, 9, 9600, 5);
    expect(delay).toBeCloseTo(rtuPollCycleMs(2, 9600, 5) - rtuSilenceMs(9600), 9);
    expect(delay).toBeCloseTo(19.479 + 4.01 + 5, 2);
  });
});
