import { registerCount, type RegisterField } from './register-map.js';

/** A decoded value, or why there is none. */
export type Decoded =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly reason: string };

/**
 * Decodes `field` from `words`, the registers of a read that started at register `start`. The
 * words are first put in standard order (high word first, high byte first) according to the
 * field's word and byte order, then read as its type and scaled. A float32 that is NaN or
 * infinite (how many meters say "no value") is a missing value, never a number.
 */
export function decodeField(
  field: RegisterField,
  words: readonly number[],
  start: number,
): Decoded {
  const offset = field.register - start;
  const count = registerCount(field.type);
  const own = words.slice(offset, offset + count);
  if (offset < 0 || own.length !== count) {
    return { ok: false, reason: 'register not in the reply' };
  }
  if (count === 2 && field.wordOrder === 'low-first') own.reverse();
  const view = new DataView(new ArrayBuffer(count * 2));
  own.forEach((word, i) => {
    view.setUint16(i * 2, word, field.byteOrder === 'little');
  });
  let raw: number;
  switch (field.type) {
    case 'float32': {
      raw = view.getFloat32(0);
      if (!Number.isFinite(raw)) return { ok: false, reason: 'not a number' };
      raw = shortestFloat32(raw);
      break;
    }
    case 'int32':
      raw = view.getInt32(0);
      break;
    case 'uint32':
      raw = view.getUint32(0);
      break;
    case 'int16':
      raw = view.getInt16(0);
      break;
    case 'uint16':
      raw = view.getUint16(0);
      break;
  }
  return { ok: true, value: scaled(raw, field.scale) };
}

/**
 * The shortest decimal that reads back as the same float32: a meter sending 230.1 sends the
 * float32 nearest to it, 230.100006103515625, and reporting that would invent precision the
 * meter never had.
 */
export function shortestFloat32(value: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** `raw × scale` without binary noise: 2305 × 0.1 is 230.5, not 230.50000000000003. */
function scaled(raw: number, scale: number): number {
  if (scale === 1) return raw;
  // 15 significant digits: every int32 and float32 value fits, the last bits of noise do not.
  return Number((raw * scale).toPrecision(15));
}
