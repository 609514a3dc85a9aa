import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/dashboard/sse-parser.js';

describe('SseParser', () => {
  it('dispatches an event at the blank line, with its type, data and id', () => {
    const parser = new SseParser();
    expect(parser.push('retry: 3000\n\nid: v-1\nevent: snapshot\ndata: {"a":1}\n\n')).toEqual([
      { event: 'snapshot', data: '{"a":1}', id: 'v-1' },
    ]);
  });

  it('puts together events split anywhere across chunks, whatever the line endings', () => {
    const text = 'id: 7\r\nevent: update\r\ndata: x\r\n\r\nevent: update\rdata: y\r\rdata: z\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([
        { event: 'update', data: 'x', id: '7' },
        { event: 'update', data: 'y', id: '7' },
        { event: 'message', data: 'z', id: '7' },
      ]);
    }
  });

  it('ignores comments (heartbeats) and events without data', () => {
    const parser = new SseParser();
    expect(parser.push(': heartbeat\n\nevent: update\n\nid: 2\n\n')).toEqual([]);
    // The id of an event without data still carries over to the next one.
    expect(parser.push('data: after\n\n')).toEqual([{ event: 'message', data: 'after', id: '2' }]);
  });

  it('joins data lines with a line feed and strips one leading space only', () => {
    const parser = new SseParser();
    expect(parser.push('data:  two\ndata:one\ndata\n\n')).toEqual([
      { event: 'message', data: ' two\none\n', id: '' },
    ]);
  });

  it('keeps an unfinished line for the next chunk', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"par')).toEqual([]);
    expect(parser.push('t":2}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: '{"part":2}', id: '' }]);
  });
});
