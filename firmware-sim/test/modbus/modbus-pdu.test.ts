import { describe, expect, it } from 'vitest';
import {
  exceptionPdu,
  parseReadRequest,
  readRequestPdu,
  readResponsePdu,
} from '../../src/modbus/modbus-pdu.js';

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');

describe('Modbus PDU', () => {
  it('builds read requests byte for byte', () => {
    expect(readRequestPdu(0x04, 0x0000, 2)).toEqual(hex('04 0000 0002'));
    expect(readRequestPdu(0x03, 0x5012, 125)).toEqual(hex('03 5012 007D'));
  });

  it('parses FC 03 and 04 requests', () => {
    expect(parseReadRequest(hex('04 0156 0002'))).toEqual({
      functionCode: 4,
      address: 0x0156,
      quantity: 2,
    });
    expect(parseReadRequest(hex('03 FF83 007D'))).toEqual({
      functionCode: 3,
      address: 0xff83,
      quantity: 125,
    });
  });

  it.each([
    ['06 0000 0001', 6, 0x01], // write single register: not a meter's job
    ['2B 0E 01 00', 0x2b, 0x01],
    ['04 0000 0000', 4, 0x03], // zero registers
    ['04 0000 007E', 4, 0x03], // 126 > 125
    ['03 0000', 3, 0x03], // truncated
    ['04 0000 0002 00', 4, 0x03], // trailing byte
    ['04 FFFF 0002', 4, 0x02], // runs past 0xFFFF
  ])('rejects %s with exception %i/%i', (pdu, functionCode, exception) => {
    expect(parseReadRequest(hex(pdu))).toEqual({ functionCode, exception });
  });

  it('checks the function before the quantity, and the quantity before the address', () => {
    expect(parseReadRequest(hex('05 FFFF 0000'))).toMatchObject({ exception: 0x01 });
    expect(parseReadRequest(hex('04 FFFF 0000'))).toMatchObject({ exception: 0x03 });
  });

  it('encodes responses and exceptions', () => {
    expect(readResponsePdu(0x04, [0x4366, 0x0000])).toEqual(hex('04 04 4366 0000'));
    expect(readResponsePdu(0x03, [0xffff])).toEqual(hex('03 02 FFFF'));
    expect(exceptionPdu(0x04, 0x02)).toEqual(hex('84 02'));
    expect(exceptionPdu(0x03, 0x0b)).toEqual(hex('83 0B'));
  });
});
