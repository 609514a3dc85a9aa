import { describe, expect, it } from 'vitest';
import {
  lockBitsPerChar,
  lockFrameMs,
  lockReplyDelayMs,
} from '../../../src/devices/lock-board/lock-board-timing.js';

const line = (parity: 'none' | 'even' | 'odd', stopBits: 1 | 2, baud = 19_200) => ({
  baud,
  parity,
  stopBits,
});

describe('lock board wire time', () => {
  it('counts 10 bits a character for 8N1, 11 with parity or two stop bits', () => {
    expect(lockBitsPerChar(line('none', 1))).toBe(10);
    expect(lockBitsPerChar(line('even', 1))).toBe(11);
    expect(lockBitsPerChar(line('none', 2))).toBe(11);
    expect(lockBitsPerChar(line('odd', 2))).toBe(12);
  });

  it('gives a status poll at 19,200 8N1 its 14 characters of wire time plus the turnaround', () => {
    expect(lockFrameMs(9, line('none', 1))).toBeCloseTo(4.6875, 6);
    // 5 + 9 bytes × 10 bits / 19,200 = 7.2917 ms, + 2 ms.
    expect(lockReplyDelayMs(5, 9, line('none', 1), 2)).toBeCloseTo(9.2917, 3);
    // At 9600 8E1: 14 × 11 / 9600 = 16.04 ms.
    expect(lockReplyDelayMs(5, 9, line('even', 1, 9_600), 0)).toBeCloseTo(16.0417, 3);
  });
});
