import { describe, expect, it } from 'vitest';
import {
  KerongReplyParser,
  decodeStatusData,
  encodeStatusRequest,
  encodeUnlock,
  kerongChecksum,
} from '../../../../src/modules/locker/board/kerong-frame.js';

const hex = (text: string) => Buffer.from(text.replace(/\s/g, ''), 'hex');
const none = Array.from({ length: 16 }, () => false);
const only = (...on: number[]) => none.map((_, i) => on.includes(i));
const allBut = (...off: number[]) => none.map((_, i) => !off.includes(i));

describe('Kerong request frames', () => {
  it('encodes the protocol examples: the first lock of board 0 and lock 5 of board 2', () => {
    expect(encodeUnlock({ board: 0, lock: 0 })).toEqual(hex('02 00 31 03 36'));
    expect(encodeUnlock({ board: 2, lock: 5 })).toEqual(hex('02 25 31 03 5b'));
    expect(encodeUnlock({ board: 15, lock: 15 })).toEqual(hex('02 ff 31 03 35'));
  });

  it('asks a board for its status with the lock nibble at 0', () => {
    expect(encodeStatusRequest(0)).toEqual(hex('02 00 30 03 35'));
    expect(encodeStatusRequest(2)).toEqual(hex('02 20 30 03 55'));
    expect(encodeStatusRequest(15)).toEqual(hex('02 f0 30 03 25'));
  });

  it('refuses addresses outside a nibble', () => {
    expect(() => encodeUnlock({ board: 16, lock: 0 })).toThrow(RangeError);
    expect(() => encodeUnlock({ board: 0, lock: -1 })).toThrow(RangeError);
    expect(() => encodeUnlock({ board: 0, lock: 1.5 })).toThrow(RangeError);
    expect(() => encodeStatusRequest(16)).toThrow(RangeError);
  });

  it('sums every byte before SUM and keeps the low byte', () => {
    expect(kerongChecksum(hex('02 00 31 03'))).toBe(0x36);
    expect(kerongChecksum(hex('02 f0 30 ff ff ff ff 03'))).toBe(0x21);
  });
});

describe('status data', () => {
  it('reads bit 0 of the first byte as lock 0 and the second byte as locks 8-15', () => {
    const status = decodeStatusData(2, hex('fe fd 02 80'));
    expect(status).toEqual({ board: 2, locked: allBut(0, 9), itemPresent: only(1, 15) });
  });
});

describe('KerongReplyParser', () => {
  const reply = '02 20 30 fe fd 02 80 03 d2';
  const status = { board: 2, locked: allBut(0, 9), itemPresent: only(1, 15) };

  it('reads the expected board’s reply, whole or a byte at a time', () => {
    const parser = new KerongReplyParser();
    parser.expect(2);
    expect(parser.push(hex(reply))).toEqual([{ kind: 'status', status }]);
    const events = [...hex(reply)].flatMap((b) => parser.push(Buffer.from([b])));
    expect(events).toEqual([{ kind: 'status', status }]);
  });

  it('resyncs on STX after garbage, even a stray STX right before the frame', () => {
    const parser = new KerongReplyParser();
    parser.expect(2);
    expect(parser.push(hex(`ff 00 02 13 02 ${reply}`))).toEqual([
      { kind: 'garbage', bytes: 5 },
      { kind: 'status', status },
    ]);
  });

  it('rejects a frame with a wrong SUM, and still finds the good frame that follows', () => {
    const parser = new KerongReplyParser();
    parser.expect(2);
    const bad = '02 20 30 fe fd 02 80 03 d3';
    expect(parser.push(hex(`${bad} ${reply}`))).toEqual([
      { kind: 'rejected', reason: 'checksum', frame: hex(bad) },
      { kind: 'garbage', bytes: 8 },
      { kind: 'status', status },
    ]);
  });

  it('treats a candidate without ETX in place as noise', () => {
    const parser = new KerongReplyParser();
    parser.expect(2);
    // ETX replaced by 0x04: not a frame. The 0x02 inside may start one: it waits for more.
    expect(parser.push(hex('02 20 30 fe fd 02 80 04 d3'))).toEqual([{ kind: 'garbage', bytes: 5 }]);
    expect(parser.push(hex(reply))).toEqual([
      { kind: 'garbage', bytes: 4 },
      { kind: 'status', status },
    ]);
  });

  it('rejects a valid reply from another board, and any reply while none is awaited', () => {
    const parser = new KerongReplyParser();
    parser.expect(1);
    expect(parser.push(hex(reply))).toEqual([
      { kind: 'rejected', reason: 'address', frame: hex(reply) },
    ]);
    parser.expect(null);
    expect(parser.push(hex(reply))).toEqual([
      { kind: 'rejected', reason: 'unsolicited', frame: hex(reply) },
    ]);
  });

  it('rejects a valid frame with another command', () => {
    const parser = new KerongReplyParser();
    parser.expect(2);
    const other = '02 20 31 00 00 00 00 03 56';
    expect(parser.push(hex(other))).toEqual([
      { kind: 'rejected', reason: 'command', frame: hex(other) },
    ]);
  });

  it('drops bytes left over from an earlier request when told what to expect next', () => {
    const parser = new KerongReplyParser();
    parser.expect(2);
    expect(parser.push(hex('02 20 30 fe'))).toEqual([]);
    parser.expect(2);
    // The old reply's tail is noise; its 0x02 waits as a candidate until more bytes come.
    expect(parser.push(hex('fd 02 80 03 d2'))).toEqual([{ kind: 'garbage', bytes: 1 }]);
    expect(parser.push(hex(reply))).toEqual([
      { kind: 'garbage', bytes: 4 },
      { kind: 'status', status },
    ]);
  });
});
