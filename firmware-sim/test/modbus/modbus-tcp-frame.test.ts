import { describe, expect, it } from 'vitest';
import { MbapSplitter, encodeMbap } from '../../src/modbus/modbus-tcp-frame.js';

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');
const REQUEST = hex('0001 0000 0006 01 04 0000 0002');

describe('Modbus TCP (MBAP) framing', () => {
  it('encodes the header: transaction id, protocol 0, length, unit id', () => {
    const response = encodeMbap({
      transactionId: 0x1234,
      unitId: 0x11,
      pdu: hex('04 04 4366 0000'),
    });
    expect(response.toString('hex')).toBe('123400000007110404436600' + '00');
    expect(encodeMbap({ transactionId: 1, unitId: 1, pdu: hex('84 02') })).toEqual(
      hex('0001 0000 0003 01 84 02'),
    );
  });

  it('decodes a request', () => {
    expect(new MbapSplitter().push(REQUEST)).toEqual([
      {
        kind: 'frame',
        frame: { transactionId: 1, protocolId: 0, unitId: 1, pdu: hex('04 0000 0002') },
      },
    ]);
  });

  it('reassembles a request split in single bytes, and splits pipelined ones', () => {
    const splitter = new MbapSplitter();
    for (let i = 0; i < REQUEST.length - 1; i++) {
      expect(splitter.push(REQUEST.subarray(i, i + 1))).toEqual([]);
    }
    expect(splitter.push(REQUEST.subarray(-1))).toHaveLength(1);
    const second = hex('0002 0000 0006 02 03 5000 0004');
    const events = splitter.push(Buffer.concat([REQUEST, second, second.subarray(0, 3)]));
    expect(events.map((e) => (e.kind === 'frame' ? e.frame.transactionId : -1))).toEqual([1, 2]);
    expect(splitter.push(second.subarray(3))).toMatchObject([
      { kind: 'frame', frame: { transactionId: 2, unitId: 2 } },
    ]);
  });

  it('reports a length no Modbus peer sends, then ignores the stream', () => {
    const splitter = new MbapSplitter();
    expect(splitter.push(hex('0001 0000 0001 01'))).toEqual([{ kind: 'invalid', length: 1 }]);
    expect(splitter.push(REQUEST)).toEqual([]);
    expect(new MbapSplitter().push(hex('0001 0000 00FF 01'))).toEqual([
      { kind: 'invalid', length: 255 },
    ]);
  });
});
