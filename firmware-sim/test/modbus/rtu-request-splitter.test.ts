import { ManualClock } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { RtuRequestSplitter } from '../../src/modbus/rtu-request-splitter.js';

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');
const READ_1 = hex('01 04 00 00 00 02 71 CB');
const READ_2 = hex('02 04 00 00 00 02 71 F8');
const SILENCE_MS = 4;

function splitter() {
  const clock = new ManualClock();
  const frames: string[] = [];
  const s = new RtuRequestSplitter({
    clock,
    silenceMs: SILENCE_MS,
    onFrame: (f) => frames.push(f.toString('hex')),
  });
  return { clock, frames, s };
}

describe('RtuRequestSplitter', () => {
  it('ends a read request as soon as its 8 bytes are in, without waiting for silence', () => {
    const { s, frames } = splitter();
    s.push(READ_1);
    expect(frames).toEqual([READ_1.toString('hex')]);
    expect(s.pending).toBe(0);
  });

  it('reassembles a request split across chunks', () => {
    const { s, frames } = splitter();
    s.push(READ_1.subarray(0, 1));
    s.push(READ_1.subarray(1, 5));
    expect(frames).toEqual([]);
    s.push(READ_1.subarray(5));
    expect(frames).toEqual([READ_1.toString('hex')]);
  });

  it('splits several requests in one chunk, keeping a partial one for later', () => {
    const { s, frames } = splitter();
    s.push(Buffer.concat([READ_1, READ_2, READ_1.subarray(0, 3)]));
    expect(frames).toEqual([READ_1.toString('hex'), READ_2.toString('hex')]);
    expect(s.pending).toBe(3);
    s.push(READ_1.subarray(3));
    expect(frames).toHaveLength(3);
  });

  it('ends a frame of unknown length after the t3.5 silence on the clock', async () => {
    const { s, frames, clock } = splitter();
    s.push(hex('01 11'));
    await clock.advance(SILENCE_MS - 1);
    s.push(hex('C0 2C'));
    await clock.advance(SILENCE_MS - 1);
    expect(frames).toEqual([]);
    await clock.advance(1);
    expect(frames).toEqual(['0111c02c']);
  });

  it('flushes a truncated request after silence, so the next one is read cleanly', async () => {
    const { s, frames, clock } = splitter();
    s.push(READ_1.subarray(0, 6));
    await clock.advance(SILENCE_MS);
    expect(frames).toEqual([READ_1.subarray(0, 6).toString('hex')]);
    s.push(READ_2);
    expect(frames[1]).toBe(READ_2.toString('hex'));
  });

  it('never holds more than one maximal frame of noise', () => {
    const { s, frames } = splitter();
    s.push(Buffer.alloc(600, 0xee));
    expect(frames.map((f) => f.length / 2)).toEqual([256, 256]);
    expect(s.pending).toBe(88);
  });

  it('cancels its timer when disposed', async () => {
    const { s, frames, clock } = splitter();
    s.push(hex('01'));
    s.dispose();
    await clock.advance(SILENCE_MS * 2);
    expect(frames).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
