import { ModbusException } from './modbus-exception.js';

/**
 * The protocol data unit (function code and data) shared by Modbus TCP and RTU, for the two
 * functions meters answer: 03 (read holding registers) and 04 (read input registers).
 *
 * This folder frames Modbus by hand rather than through a library such as `modbus-serial`:
 * byte-level faults (a corrupted CRC, a wrong unit id in the reply, a late or truncated frame)
 * are what the simulator exists for, and no library's server lets a test inject them.
 */

/** The register-reading function codes. */
export type ReadFunctionCode = 0x03 | 0x04;

/** Most registers one read may ask for (the spec's limit: 125 × 2 bytes fit one frame). */
export const MAX_READ_REGISTERS = 125;

/** A valid read request. */
export interface ReadRequest {
  readonly functionCode: ReadFunctionCode;
  readonly address: number;
  readonly quantity: number;
}

/** A request the device cannot serve, with the exception it answers. */
export interface RejectedRequest {
  readonly functionCode: number;
  readonly exception: number;
}

/**
 * Reads a request PDU, checking in the order the Modbus spec gives: function (01), then
 * quantity and length (03), then the address range fitting the 16-bit space (02).
 */
export function parseReadRequest(pdu: Uint8Array): ReadRequest | RejectedRequest {
  const functionCode = pdu[0] ?? 0;
  if (functionCode !== 0x03 && functionCode !== 0x04) {
    return { functionCode, exception: ModbusException.IllegalFunction };
  }
  if (pdu.length !== 5) return { functionCode, exception: ModbusException.IllegalDataValue };
  const view = Buffer.from(pdu.buffer, pdu.byteOffset, pdu.length);
  const address = view.readUInt16BE(1);
  const quantity = view.readUInt16BE(3);
  if (quantity < 1 || quantity > MAX_READ_REGISTERS) {
    return { functionCode, exception: ModbusException.IllegalDataValue };
  }
  if (address + quantity > 0x10000) {
    return { functionCode, exception: ModbusException.IllegalDataAddress };
  }
  return { functionCode, address, quantity };
}

/** A read request PDU: `fc addrHi addrLo qtyHi qtyLo` (what a master sends). */
export function readRequestPdu(
  functionCode: ReadFunctionCode,
  address: number,
  quantity: number,
): Buffer {
  const pdu = Buffer.alloc(5);
  pdu[0] = functionCode;
  pdu.writeUInt16BE(address, 1);
  pdu.writeUInt16BE(quantity, 3);
  return pdu;
}

/** A read response PDU: `fc byteCount` then each register big-endian. */
export function readResponsePdu(functionCode: ReadFunctionCode, words: readonly number[]): Buffer {
  const pdu = Buffer.alloc(2 + words.length * 2);
  pdu[0] = functionCode;
  pdu[1] = words.length * 2;
  words.forEach((word, i) => pdu.writeUInt16BE(word & 0xffff, 2 + i * 2));
  return pdu;
}

/** An exception response PDU: the function code with its high bit set, then the code. */
export function exceptionPdu(functionCode: number, exception: number): Buffer {
  return Buffer.from([(functionCode | 0x80) & 0xff, exception & 0xff]);
}
