/**
 * Modbus TCP framing: each PDU is preceded by the 7-byte MBAP header (transaction id,
 * protocol id 0, length of what follows, unit id), all big-endian.
 */

/** One Modbus TCP request or response. */
export interface MbapFrame {
  readonly transactionId: number;
  readonly protocolId: number;
  readonly unitId: number;
  readonly pdu: Buffer;
}

/** MBAP header size in bytes. */
export const MBAP_HEADER_BYTES = 7;
/** Largest MBAP length field: unit id plus the largest PDU (253 bytes). */
const MAX_MBAP_LENGTH = 254;

/** Encodes one frame (`protocolId` 0 unless a test asks otherwise). */
export function encodeMbap(frame: {
  readonly transactionId: number;
  readonly unitId: number;
  readonly pdu: Uint8Array;
  readonly protocolId?: number;
}): Buffer {
  const out = Buffer.alloc(MBAP_HEADER_BYTES + frame.pdu.length);
  out.writeUInt16BE(frame.transactionId & 0xffff, 0);
  out.writeUInt16BE(frame.protocolId ?? 0, 2);
  out.writeUInt16BE(frame.pdu.length + 1, 4);
  out[6] = frame.unitId & 0xff;
  out.set(frame.pdu, MBAP_HEADER_BYTES);
  return out;
}

/** What an `MbapSplitter` found: frames, or a header no Modbus peer sends. */
export type MbapEvent =
  | { readonly kind: 'frame'; readonly frame: MbapFrame }
  /** A length field outside 2-254: the stream cannot be resynchronised, close it. */
  | { readonly kind: 'invalid'; readonly length: number };

/**
 * Cuts a TCP byte stream into MBAP frames, whatever the chunking: a frame split over several
 * segments, or several pipelined frames in one.
 */
export class MbapSplitter {
  #buffer: Buffer = Buffer.alloc(0);
  #broken = false;

  /** Feeds a chunk; returns the complete frames it finished, in order. */
  push(chunk: Buffer): MbapEvent[] {
    if (this.#broken) return [];
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const events: MbapEvent[] = [];
    while (this.#buffer.length >= 6) {
      const length = this.#buffer.readUInt16BE(4);
      if (length < 2 || length > MAX_MBAP_LENGTH) {
        this.#broken = true;
        this.#buffer = Buffer.alloc(0);
        events.push({ kind: 'invalid', length });
        break;
      }
      const total = 6 + length;
      if (this.#buffer.length < total) break;
      const bytes = this.#buffer.subarray(0, total);
      events.push({
        kind: 'frame',
        frame: {
          transactionId: bytes.readUInt16BE(0),
          protocolId: bytes.readUInt16BE(2),
          unitId: bytes[6] ?? 0,
          // Copied so a frame does not pin a large chunk in memory.
          pdu: Buffer.from(bytes.subarray(MBAP_HEADER_BYTES)),
        },
      });
      this.#buffer = this.#buffer.subarray(total);
    }
    return events;
  }
}
