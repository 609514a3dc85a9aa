/**
 * How meters put numbers into 16-bit registers (shared/reference/meters.md). Each encoder
 * returns the register words in address order; a word goes on the wire big-endian.
 */

/** An encoding a register field uses. */
export type RegisterEncoding =
  /** IEEE-754 float32, high word first (byte order ABCD): Eastron, Schneider. */
  | { readonly kind: 'float32' }
  /** Signed 32-bit integer of `value × factor`, low word first: Carlo Gavazzi. */
  | { readonly kind: 'int32-low-word-first'; readonly factor: number }
  /** Signed 16-bit integer of `value × factor`. */
  | { readonly kind: 'int16'; readonly factor: number };

/** Registers a value of this encoding takes. */
export function registerCount(encoding: RegisterEncoding): number {
  switch (encoding.kind) {
    case 'float32':
    case 'int32-low-word-first':
      return 2;
    case 'int16':
      return 1;
  }
}

/** Encodes `value` into register words. Integers are rounded and clamped, as a meter saturates. */
export function encodeRegisters(encoding: RegisterEncoding, value: number): number[] {
  switch (encoding.kind) {
    case 'float32': {
      const bytes = Buffer.alloc(4);
      bytes.writeFloatBE(value);
      return [bytes.readUInt16BE(0), bytes.readUInt16BE(2)];
    }
    case 'int32-low-word-first': {
      const raw = scaledInteger(value, encoding.factor, 0x7fffffff);
      return [raw & 0xffff, (raw >>> 16) & 0xffff];
    }
    case 'int16':
      return [scaledInteger(value, encoding.factor, 0x7fff) & 0xffff];
  }
}

function scaledInteger(value: number, factor: number, max: number): number {
  const scaled = Math.round(value * factor);
  if (!Number.isFinite(scaled)) return 0;
  return Math.max(-max - 1, Math.min(max, scaled));
}
