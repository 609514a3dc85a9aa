import { describe, expect, it } from 'vitest';
import {
  decodeRtuFrame,
  encodeRtuFrame,
  rtuRequestLength,
} from '../../src/modbus/modbus-rtu-frame.js';

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');

describe('Modbus RTU framing', () => {
  it('encodes the well-known SDM630 voltage request and its answer', () => {
    expect(encodeRtuFrame(1, hex('04 0000 0002'))).toEqual(hex('01 04 00 00 00 02 71 CB'));
    // 230.0 V as float32 ABCD is 43 66 00 00.
    expect(encodeRtuFrame(1, hex('04 04 4366 0000'))).toEqual(hex('01 04 04 43 66 00 00 0E 1F'));
  });

  it('encodes exception responses', () => {
    expect(encodeRtuFrame(1, hex('84 02'))).toEqual(hex('01 84 02 C2 C1'));
    expect(encodeRtuFrame(1, hex('83 02'))).toEqual(hex('01 83 02 C0 F1'));
  });

  it('corrupts the CRC on request, leaving the rest intact', () => {
    const frame = encodeRtuFrame(1, hex('04 0000 0002'), { corruptCrc: true });
    expect(frame).toEqual(hex('01 04 00 00 00 02 8E 34'));
    expect(decodeRtuFrame(frame)).toBeNull();
  });

  it('decodes a frame with a good CRC only', () => {
    expect(decodeRtuFrame(hex('11 03 00 6B 00 03 76 87'))).toEqual({
      unitId: 0x11,
      pdu: hex('03 006B 0003'),
    });
    expect(decodeRtuFrame(hex('11 03 00 6B 00 03 76 88'))).toBeNull();
    expect(decodeRtuFrame(hex('01 84 02'))).toBeNull();
  });

  it('knows request lengths from the function code', () => {
    expect(rtuRequestLength(hex('01'))).toBeNull();
    for (const fc of [1, 2, 3, 4, 5, 6]) expect(rtuRequestLength(Uint8Array.of(1, fc))).toBe(8);
    expect(rtuRequestLength(hex('01 10 0000 0002'))).toBeNull();
    expect(rtuRequestLength(hex('01 10 0000 0002 04'))).toBe(13);
    expect(rtuRequestLength(hex('01 0F 0000 000A 02'))).toBe(11);
    expect(rtuRequestLength(hex('01 2B 0E 01 00'))).toBeNull();
  });
});
