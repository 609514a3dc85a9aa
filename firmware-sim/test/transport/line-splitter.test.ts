import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineEvent } from '../../src/transport/line-splitter.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function texts(events: LineEvent[]): string[] {
  return events.map((e) => (e.kind === 'line' ? e.line.toString('latin1') : '<too-long>'));
}

describe('LineSplitter', () => {
  it('splits lines whatever the chunking', () => {
    const s = new LineSplitter(16);
    expect(texts(s.push(b('RE')))).toEqual([]);
    expect(texts(s.push(b('AD\nIN')))).toEqual(['READ']);
    expect(texts(s.push(b('FO\n\nX\n')))).toEqual(['INFO', '', 'X']);
  });

  it('keeps bytes as they are, CR and binary included', () => {
    const s = new LineSplitter(16);
    const [event] = s.push(Buffer.from([0x00, 0xff, 0x0d, 0x0a]));
    expect(event).toEqual({ kind: 'line', line: Buffer.from([0x00, 0xff, 0x0d]) });
  });

  it('accepts exactly maxBytes and reports one more, then resumes at the next line', () => {
    const s = new LineSplitter(8);
    expect(texts(s.push(b('12345678\n123456789\nok\n')))).toEqual(['12345678', '<too-long>', 'ok']);
  });

  it('reports an overflow as soon as it happens, then drops bytes up to the newline', () => {
    const s = new LineSplitter(8);
    expect(texts(s.push(b('12345')))).toEqual([]);
    expect(texts(s.push(b('6789')))).toEqual(['<too-long>']);
    expect(texts(s.push(b('still the same line')))).toEqual([]);
    expect(texts(s.push(b('READ')))).toEqual([]);
    expect(texts(s.push(b('\nnext\n')))).toEqual(['next']);
  });

  it('reports an overflow that ends in the same chunk only once', () => {
    const s = new LineSplitter(4);
    expect(texts(s.push(b('abcdefgh\nab\n')))).toEqual(['<too-long>', 'ab']);
  });

  it('does not hold on to more than maxBytes of an unfinished line', () => {
    const s = new LineSplitter(4);
    for (let i = 0; i < 1000; i++) s.push(b('xxxxxxxxxx'));
    expect(texts(s.push(b('\nabcd\n')))).toEqual(['abcd']);
  });
});
