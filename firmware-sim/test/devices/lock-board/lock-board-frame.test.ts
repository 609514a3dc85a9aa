import { describe, expect, it } from 'vitest';
import {
  LOCK_CMD_STATUS,
  LOCK_CMD_UNLOCK,
  LockRequestSplitter,
  encodeLockRequest,
  encodeStatusReply,
  lockFrameSum,
} from '../../../src/devices/lock-board/lock-board-frame.js';
import { hex } from '../../meter-fixtures.js';

const flags = (...on: number[]) => Array.from({ length: 16 }, (_, i) => on.includes(i));

describe('lock board frames (simulator side)', () => {
  it('sums every byte before SUM, keeping the low byte', () => {
    expect(lockFrameSum(hex('02 00 31 03'))).toBe(0x36);
    expect(lockFrameSum(hex('02 25 31 03'))).toBe(0x5b);
    expect(lockFrameSum(hex('02 f0 ff ff ff ff 03'))).toBe((0x02 + 0xf0 + 4 * 0xff + 0x03) & 0xff);
  });

  it('builds the unlock and status requests of the protocol examples', () => {
    expect(encodeLockRequest({ board: 0, lock: 1, command: LOCK_CMD_UNLOCK })).toEqual(
      hex('02 01 31 03 37'),
    );
    expect(encodeLockRequest({ board: 0, lock: 0, command: LOCK_CMD_UNLOCK })).toEqual(
      hex('02 00 31 03 36'),
    );
    expect(encodeLockRequest({ board: 2, lock: 5, command: LOCK_CMD_UNLOCK })).toEqual(
      hex('02 25 31 03 5b'),
    );
    expect(encodeLockRequest({ board: 3, lock: 0, command: LOCK_CMD_STATUS })).toEqual(
      hex('02 30 30 03 65'),
    );
  });

  it('packs hooks and IR bits lock 0 first, low byte first', () => {
    // Every door locked but 0 and 9; items in 1 and 15.
    const locked = flags(1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15);
    const reply = encodeStatusReply(2, locked, flags(1, 15));
    expect(reply).toEqual(hex('02 20 30 fe fd 02 80 03 d2'));
    expect(lockFrameSum(reply, 8)).toBe(reply[8]);
  });

  it('answers an all-shut, empty board with 0xff hooks and no IR', () => {
    expect(
      encodeStatusReply(0, flags(...Array.from({ length: 16 }, (_, i) => i)), flags()),
    ).toEqual(hex('02 00 30 ff ff 00 00 03 33'));
  });

  it('inverts the SUM when asked to corrupt it', () => {
    const good = encodeStatusReply(1, flags(0), flags());
    const bad = encodeStatusReply(1, flags(0), flags(), { corruptSum: true });
    expect(bad.subarray(0, 8)).toEqual(good.subarray(0, 8));
    expect(bad[8]).toBe((good[8] ?? 0) ^ 0xff);
  });
});

describe('LockRequestSplitter', () => {
  it('reads the protocol examples, also split byte by byte', () => {
    const splitter = new LockRequestSplitter();
    expect(splitter.push(hex('02 00 31 03 36'))).toEqual([
      { kind: 'request', request: { board: 0, lock: 0, command: 0x31 } },
    ]);
    const events = [...hex('02 25 31 03 5b')].flatMap((b) => splitter.push(Buffer.from([b])));
    expect(events).toEqual([{ kind: 'request', request: { board: 2, lock: 5, command: 0x31 } }]);
  });

  it('reads several frames in one chunk', () => {
    const splitter = new LockRequestSplitter();
    expect(splitter.push(hex('02 10 30 03 45 02 25 31 03 5b'))).toEqual([
      { kind: 'request', request: { board: 1, lock: 0, command: 0x30 } },
      { kind: 'request', request: { board: 2, lock: 5, command: 0x31 } },
    ]);
  });

  it('skips noise before a frame and resyncs on a stray STX', () => {
    const splitter = new LockRequestSplitter();
    // Noise, then a lone 0x02 right before the real frame: only the stray bytes are lost.
    expect(splitter.push(hex('ff 13 02 02 10 30 03 45'))).toEqual([
      { kind: 'dropped', bytes: 3, reason: 'garbage' },
      { kind: 'request', request: { board: 1, lock: 0, command: 0x30 } },
    ]);
  });

  it('drops a frame with a wrong SUM and reads the next one', () => {
    const splitter = new LockRequestSplitter();
    expect(splitter.push(hex('02 00 31 03 37 02 00 31 03 36'))).toEqual([
      { kind: 'dropped', bytes: 1, reason: 'sum' },
      { kind: 'dropped', bytes: 4, reason: 'garbage' },
      { kind: 'request', request: { board: 0, lock: 0, command: 0x31 } },
    ]);
  });

  it('keeps an incomplete frame for the next chunk', () => {
    const splitter = new LockRequestSplitter();
    expect(splitter.push(hex('02 00 31'))).toEqual([]);
    expect(splitter.push(hex('03 36'))).toEqual([
      { kind: 'request', request: { board: 0, lock: 0, command: 0x31 } },
    ]);
  });
});
