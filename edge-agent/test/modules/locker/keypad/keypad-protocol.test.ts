import { describe, expect, it } from 'vitest';
import {
  answerLine,
  extractCode,
  isBlank,
} from '../../../../src/modules/locker/keypad/keypad-protocol.js';

const line = (text: string) => Buffer.from(text, 'latin1');

describe('keypad protocol', () => {
  it.each([
    ['12345678', '12345678'],
    ['  12345678\t', '12345678'],
    ['HAMEAU:00042137', '00042137'],
    ['hameau:00042137', '00042137'],
  ])('finds the code in %j', (text, code) => {
    expect(extractCode(line(text))).toBe(code);
  });

  it.each([
    '1234567',
    '123456789',
    '1234 5678',
    'HAMEAU:1234567',
    'HAMEAU:123456789',
    'HAMEAU 12345678',
    'XHAMEAU:12345678',
    'HAMEAU:12345678:1',
    '１２３４５６７８',
    '\u0000\u00ff12345678',
    '',
  ])('finds no code in %j', (text) => {
    expect(extractCode(line(text))).toBeNull();
  });

  it('finds no code in bytes that are not text', () => {
    expect(extractCode(Buffer.from([0xff, 0xfe, 0x31, 0x32, 0x00, 0x80]))).toBeNull();
  });

  it('tells blank lines', () => {
    expect(isBlank(line(' \t '))).toBe(true);
    expect(isBlank(line(' 1 '))).toBe(false);
  });

  it('answers an opened box with its number and a rejection with its reason', () => {
    expect(answerLine({ status: 'opened', box: 12, kind: 'pickup' })).toBe('OK 12');
    expect(answerLine({ status: 'rejected', reason: 'unknown' })).toBe('ERR unknown');
    expect(answerLine({ status: 'rejected', reason: 'locked-out', retryAfterSeconds: 300 })).toBe(
      'ERR locked-out 300',
    );
  });
});
