/**
 * Seeded, stateless noise: a function of (seed, time) only, so a value depends on when it is
 * read, never on how often or in which order. That keeps a simulated town reproducible
 * whatever the poll rate.
 */

/** A uniform number in [0, 1) for integer lattice point `k` (murmur3's finaliser). */
export function hash01(seed: number, k: number): number {
  const low = k >>> 0;
  const high = Math.floor(k / 0x1_0000_0000) >>> 0;
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ low;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ Math.imul(high, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/**
 * Smooth noise in [-1, 1] at time `t` (ms): random values every `periodMs`, joined by cosine
 * interpolation, so a load wanders instead of jumping between polls.
 */
export function smoothNoise(seed: number, t: number, periodMs: number): number {
  const x = t / periodMs;
  const k = Math.floor(x);
  const f = x - k;
  const blend = (1 - Math.cos(Math.PI * f)) / 2;
  const a = hash01(seed, k) * 2 - 1;
  const b = hash01(seed, k + 1) * 2 - 1;
  return a + (b - a) * blend;
}
