import { ModbusException } from '../../modbus/modbus-exception.js';
import type { RejectedRequest } from '../../modbus/modbus-pdu.js';

/**
 * The two register-writing functions, which meters never needed: 06 (write single register)
 * and 16 (0x10, write multiple registers). Framing stays the transports' job (`src/modbus/`).
 */

/** The register-writing function codes. */
export type WriteFunctionCode = 0x06 | 0x10;

/** Most registers one FC 16 request may carry (the spec's limit: 123 × 2 bytes fit one frame). */
export const MAX_WRITE_REGISTERS = 123;

/** A well-formed write request; whether its registers exist is the unit's business. */
export interface WriteRequest {
  readonly functionCode: WriteFunctionCode;
  readonly address: number;
  /** One value for FC 06, one or more for FC 16. */
  readonly values: readonly number[];
}

/**
 * Reads a write request PDU. A malformed one (wrong length, a quantity of 0 or over 123, a byte
 * count that does not match) gets exception 03, as the spec says; an address range past the
 * 16-bit space gets 02. A function other than 06 and 16 gets 01.
 */
export function parseWriteRequest(pdu: Uint8Array): WriteRequest | RejectedRequest {
  const functionCode = pdu[0] ?? 0;
  const view = Buffer.from(pdu.buffer, pdu.byteOffset, pdu.length);
  if (functionCode === 0x06) {
    if (pdu.length !== 5) return { functionCode, exception: ModbusException.IllegalDataValue };
    return { functionCode, address: view.readUInt16BE(1), values: [view.readUInt16BE(3)] };
  }
  if (functionCode !== 0x10) return { functionCode, exception: ModbusException.IllegalFunction };
  if (pdu.length < 6) return { functionCode, exception: ModbusException.IllegalDataValue };
  const address = view.readUInt16BE(1);
  const quantity = view.readUInt16BE(3);
  const byteCount = pdu[5] ?? 0;
  if (
    quantity < 1 ||
    quantity > MAX_WRITE_REGISTERS ||
    byteCount !== quantity * 2 ||
    pdu.length !== 6 + byteCount
  ) {
    return { functionCode, exception: ModbusException.IllegalDataValue };
  }
  if (address + quantity > 0x10000) {
    return { functionCode, exception: ModbusException.IllegalDataAddress };
  }
  const values = Array.from({ length: quantity }, (_, i) => view.readUInt16BE(6 + i * 2));
  return { functionCode, address, values };
}

/** The normal reply to a write: FC 06 echoes the request, FC 16 gives address and quantity. */
export function writeResponsePdu(request: WriteRequest): Buffer {
  if (request.functionCode === 0x06)
    return writeSingleRequestPdu(request.address, request.values[0] ?? 0);
  const pdu = Buffer.alloc(5);
  pdu[0] = 0x10;
  pdu.writeUInt16BE(request.address, 1);
  pdu.writeUInt16BE(request.values.length, 3);
  return pdu;
}

/** An FC 06 request PDU: `06 addrHi addrLo valueHi valueLo`. */
export function writeSingleRequestPdu(address: number, value: number): Buffer {
  const pdu = Buffer.alloc(5);
  pdu[0] = 0x06;
  pdu.writeUInt16BE(address & 0xffff, 1);
  pdu.writeUInt16BE(value & 0xffff, 3);
  return pdu;
}

/** An FC 16 request PDU: `10 addr qty byteCount` then each value big-endian. */
export function writeMultipleRequestPdu(address: number, values: readonly number[]): Buffer {
  const pdu = Buffer.alloc(6 + values.length * 2);
  pdu[0] = 0x10;
  pdu.writeUInt16BE(address & 0xffff, 1);
  pdu.writeUInt16BE(values.length, 3);
  pdu[5] = values.length * 2;
  values.forEach((value, i) => pdu.writeUInt16BE(value & 0xffff, 6 + i * 2));
  return pdu;
}
