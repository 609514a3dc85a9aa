/** A generator of numbers in [0, 1) from a seed (mulberry32): the same schedule every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * When each of `count` readings is due, in ms from the start: on average `1000 / ratePerSecond`
 * apart, each gap drawn between half and one and a half of that. Evenly spaced readings would
 * lock onto the feed's own period (its throttle) and every reading would wait the same share
 * of it, a phase the case happened to start in; spread gaps sample every phase, as readings
 * from a town's meters do.
 */
export function publishSchedule(
  count: number,
  ratePerSecond: number,
  random: () => number,
): number[] {
  const mean = 1000 / ratePerSecond;
  const due: number[] = [];
  let t = 0;
  for (let k = 0; k < count; k++) {
    due.push(t);
    t += mean * (0.5 + random());
  }
  return due;
}
