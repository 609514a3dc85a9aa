/**
 * CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF), the checksum that ends every
 * Modbus RTU frame. Table-driven: the simulator checks every byte a bus carries.
 */
const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    table[n] = crc;
  }
  return table;
})();

/** The CRC-16/MODBUS of `bytes`, as a number (sent on the wire low byte first). */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) crc = (crc >>> 8) ^ (TABLE[(crc ^ byte) & 0xff] ?? 0);
  return crc;
}

/** `bytes` followed by their CRC, low byte first, as an RTU frame carries it. */
export function withCrc(bytes: Uint8Array): Buffer {
  const crc = crc16Modbus(bytes);
  const frame = Buffer.alloc(bytes.length + 2);
  frame.set(bytes);
  frame.writeUInt16LE(crc, bytes.length);
  return frame;
}

/** Whether a whole RTU frame (CRC included) ends with the right CRC. */
export function hasValidCrc(frame: Uint8Array): boolean {
  if (frame.length < 3) return false;
  const body = frame.subarray(0, frame.length - 2);
  const sent = (frame[frame.length - 2] ?? 0) | ((frame[frame.length - 1] ?? 0) << 8);
  return crc16Modbus(body) === sent;
}
