import { hasValidCrc, withCrc } from './crc16-modbus.js';

/**
 * Modbus RTU framing: unit address, PDU, CRC-16/MODBUS low byte first. There is no length
 * field: a frame ends with 3.5 characters of silence, or once its function code tells its
 * length (`rtuRequestLength`).
 */

/** A decoded RTU frame. */
export interface RtuFrame {
  readonly unitId: number;
  readonly pdu: Buffer;
}

/** Largest RTU frame (address + 253-byte PDU + CRC). */
export const MAX_RTU_FRAME_BYTES = 256;

/** Encodes a frame; `corruptCrc` flips the CRC's bits, as line noise on the reply would. */
export function encodeRtuFrame(
  unitId: number,
  pdu: Uint8Array,
  options: { readonly corruptCrc?: boolean } = {},
): Buffer {
  const body = Buffer.alloc(1 + pdu.length);
  body[0] = unitId & 0xff;
  body.set(pdu, 1);
  const frame = withCrc(body);
  if (options.corruptCrc === true) {
    const last = frame.length - 1;
    frame[last - 1] = (frame[last - 1] ?? 0) ^ 0xff;
    frame[last] = (frame[last] ?? 0) ^ 0xff;
  }
  return frame;
}

/** Decodes a whole frame; null when it is too short or its CRC is wrong (a slave ignores it). */
export function decodeRtuFrame(frame: Uint8Array): RtuFrame | null {
  if (frame.length < 4 || !hasValidCrc(frame)) return null;
  return {
    unitId: frame[0] ?? 0,
    pdu: Buffer.from(frame.subarray(1, frame.length - 2)),
  };
}

/**
 * The length of the request that starts `bytes`, once enough of it is known, or null when its
 * function code does not tell (the end is then found by the t3.5 silence). Knowing the length
 * lets a slave split requests sent back to back without any gap, as masters often do.
 */
export function rtuRequestLength(bytes: Uint8Array): number | null {
  const functionCode = bytes[1];
  if (functionCode === undefined) return null;
  switch (functionCode) {
    case 0x01: // read coils
    case 0x02: // read discrete inputs
    case 0x03: // read holding registers
    case 0x04: // read input registers
    case 0x05: // write single coil
    case 0x06: // write single register
      return 8;
    case 0x0f: // write multiple coils
    case 0x10: {
      // write multiple registers: address, fc, start(2), quantity(2), byte count, data, CRC
      const byteCount = bytes[6];
      return byteCount === undefined ? null : 9 + byteCount;
    }
    default:
      return null;
  }
}
