/** A seeded pseudo-random source in [0, 1): the same seed gives the same garbage every run. */
export type Random = () => number;

/** mulberry32: tiny, fast and good enough for noise (not for anything secret). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NEWLINE = 0x0a;
const MAX_GARBAGE_BYTES = 64;

/**
 * One line of noise: 1 to 64 random bytes, none of them `\n`, then `\n`. Keeping the newline
 * means the fault corrupts one response per request instead of swallowing the next good one,
 * so a reader that drops bad lines loses nothing the device counted as answered. The first
 * byte is never `N`, `I` or `E`, so noise can never be read as a reading, info or error.
 */
export function garbageLine(random: Random): Buffer {
  const length = 1 + Math.floor(random() * MAX_GARBAGE_BYTES);
  const bytes = Buffer.alloc(length + 1);
  for (let i = 0; i < length; i++) {
    let b = Math.floor(random() * 256);
    while (b === NEWLINE || (i === 0 && (b === 0x4e || b === 0x49 || b === 0x45))) {
      b = Math.floor(random() * 256);
    }
    bytes[i] = b;
  }
  bytes[length] = NEWLINE;
  return bytes;
}
