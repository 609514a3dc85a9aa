import { describe, expect, it } from 'vitest';
import {
  LINE_TOO_LONG,
  UNKNOWN_COMMAND,
  formatInfo,
  formatReading,
  parseCounterCommand,
} from '../../../src/devices/counter/counter-protocol.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('counter protocol', () => {
  it('knows READ and INFO, with or without one trailing CR, and nothing else', () => {
    expect(parseCounterCommand(b('READ'))).toBe('READ');
    expect(parseCounterCommand(b('INFO\r'))).toBe('INFO');
    for (const other of ['', 'read', 'READ ', 'READ\r\r', '\rREAD', 'INF', 'READ\0', 'RÉAD']) {
      expect(parseCounterCommand(b(other))).toBeNull();
    }
  });

  it('formats readings as N <seq> <value>', () => {
    expect(formatReading(1, 0.5)).toBe('N 1 0.5\n');
    expect(formatReading(2, 0.5)).toBe('N 2 1\n');
    expect(formatReading(3, 0.1)).toBe('N 3 0.30000000000000004\n');
    expect(formatReading(7, -2)).toBe('N 7 -14\n');
    expect(formatReading(5, 0)).toBe('N 5 0\n');
    expect(formatReading(Number.MAX_SAFE_INTEGER, 1e9)).toBe(
      'N 9007199254740991 9.007199254740991e+24\n',
    );
  });

  it('formats info and errors', () => {
    expect(formatInfo('c1', 0)).toBe('I counter c1 0\n');
    expect(UNKNOWN_COMMAND).toBe('E unknown-command\n');
    expect(LINE_TOO_LONG).toBe('E line-too-long\n');
  });
});
