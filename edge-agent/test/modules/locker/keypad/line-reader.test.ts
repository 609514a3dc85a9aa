import { describe, expect, it } from 'vitest';
import { LineReader, type KeypadLine } from '../../../../src/modules/locker/keypad/line-reader.js';

/** Feeds the chunks and renders what came out: lines as text, overflows as `<too-long>`. */
function feed(reader: LineReader, ...chunks: string[]): string[] {
  return chunks
    .flatMap((chunk) => reader.push(Buffer.from(chunk, 'latin1')))
    .map((line: KeypadLine) =>
      line.kind === 'line' ? line.bytes.toString('latin1') : '<too-long>',
    );
}

describe('LineReader', () => {
  it('ends lines at CR, LF or CRLF, skipping the empty lines between', () => {
    expect(feed(new LineReader(64), 'one\rtwo\nthree\r\nfour\n\n\r\r')).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
  });

  it('joins a line cut across chunks, CRLF included', () => {
    const reader = new LineReader(64);
    expect(feed(reader, '1234', '5678\r')).toEqual(['12345678']);
    expect(feed(reader, '\n8765', '4321\r', '\n')).toEqual(['87654321']);
    expect(feed(reader, 'partial')).toEqual([]);
    expect(feed(reader, '\n')).toEqual(['partial']);
  });

  it('takes a line of exactly the limit and reports a longer one once', () => {
    const reader = new LineReader(8);
    expect(feed(reader, '12345678\n')).toEqual(['12345678']);
    expect(feed(reader, '123456789\n', '11112222\n')).toEqual(['<too-long>', '11112222']);
  });

  it('drops an overlong line up to its end, however it is chunked', () => {
    const reader = new LineReader(8);
    expect(feed(reader, '12345', '6789', 'abcdef', 'ghij')).toEqual(['<too-long>']);
    expect(feed(reader, 'klm\r87654321\r')).toEqual(['87654321']);
  });

  it('forgets a partial line on clear', () => {
    const reader = new LineReader(8);
    feed(reader, '1234');
    reader.clear();
    expect(feed(reader, '5678\n')).toEqual(['5678']);
    feed(reader, '123456789');
    reader.clear();
    expect(feed(reader, 'ok\n')).toEqual(['ok']);
  });
});
