import { describe, expect, it } from 'vitest';
import { crc16Modbus, hasValidCrc, withCrc } from '../../src/modbus/crc16-modbus.js';

/** The bit-by-bit definition, written independently of the table-driven one under test. */
function crcBitwise(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex');

describe('CRC-16/MODBUS', () => {
  // Frames from the Modbus spec and vendor manuals, cross-checked with pymodbus's computeCRC.
  it.each([
    ['01 04 00 00 00 02', '01 04 00 00 00 02 71 CB'],
    ['01 03 00 00 00 01', '01 03 00 00 00 01 84 0A'],
    ['11 03 00 6B 00 03', '11 03 00 6B 00 03 76 87'],
    ['01 84 02', '01 84 02 C2 C1'],
    ['01 83 02', '01 83 02 C0 F1'],
    ['01 04 04 43 66 00 00', '01 04 04 43 66 00 00 0E 1F'],
    ['0A 04 00 48 00 02', '0A 04 00 48 00 02 F0 A6'],
  ])('%s → %s', (body, frame) => {
    expect(withCrc(hex(body)).toString('hex')).toBe(hex(frame).toString('hex'));
    expect(hasValidCrc(hex(frame))).toBe(true);
  });

  it('matches the bitwise definition on every byte value and on longer frames', () => {
    for (let b = 0; b < 256; b++) {
      expect(crc16Modbus(Uint8Array.of(b))).toBe(crcBitwise(Uint8Array.of(b)));
    }
    const long = Uint8Array.from({ length: 255 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(crc16Modbus(long)).toBe(crcBitwise(long));
    // The check value of the CRC catalogue for "123456789".
    expect(crc16Modbus(Buffer.from('123456789'))).toBe(0x4b37);
  });

  it('rejects a frame with any flipped bit or too short to hold a CRC', () => {
    const frame = hex('01 04 00 00 00 02 71 CB');
    for (let i = 0; i < frame.length; i++) {
      const bad = Buffer.from(frame);
      bad[i] = (bad[i] ?? 0) ^ 0x10;
      expect(hasValidCrc(bad)).toBe(false);
    }
    expect(hasValidCrc(hex('FF FF'))).toBe(false);
  });
});
