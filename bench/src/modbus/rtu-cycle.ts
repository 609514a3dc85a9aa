/**
 * The Modbus RTU timing of shared/reference/meters.md, written out again here rather than taken
 * from the simulator: the bench measures the simulator's emulated timing against it, so it must
 * not share the simulator's arithmetic (a slip there would cancel out).
 */

/** Bits of one character on the line: start, 8 data, parity or a second stop bit, stop. */
export const BITS_PER_CHARACTER = 11;

/** Bytes of a read request (FC 03 or 04): unit, function, address, count, CRC. */
export const READ_REQUEST_BYTES = 8;

/** Bytes of the reply to a read of `registers` registers: unit, function, byte count, data, CRC. */
export function readReplyBytes(registers: number): number {
  return 5 + 2 * registers;
}

/** How long `bytes` characters take on the wire at `baud`, in ms. */
export function wireMs(bytes: number, baud: number): number {
  return (bytes * BITS_PER_CHARACTER * 1000) / baud;
}

/** The silent interval between frames (t3.5): 3.5 characters up to 19,200 baud, 1.75 ms above. */
export function frameGapMs(baud: number): number {
  return baud > 19_200 ? 1.75 : wireMs(3.5, baud);
}

/**
 * The shortest cycle of one read of `registers` registers: request and reply on the wire, the
 * t3.5 after each, and the meter's turnaround, `(8 + 5 + 2N) × 11 / baud + 2 × t3.5 + turnaround`.
 */
export function readCycleMs(registers: number, baud: number, turnaroundMs: number): number {
  return (
    wireMs(READ_REQUEST_BYTES + readReplyBytes(registers), baud) +
    2 * frameGapMs(baud) +
    turnaroundMs
  );
}

/**
 * From a request's last byte to its reply's last byte, as a master sees it on a real line:
 * the t3.5 that ends the request, the turnaround, the reply on the wire. On a pty, where the
 * request arrives at once, the simulator also owes the request's own wire time (see
 * `firmware-sim` `rtuReplyDelayMs`), so `withRequest` adds it.
 */
export function replyDelayMs(
  requestBytes: number,
  replyBytes: number,
  baud: number,
  turnaroundMs: number,
  withRequest: boolean,
): number {
  return (
    (withRequest ? wireMs(requestBytes, baud) : 0) +
    frameGapMs(baud) +
    turnaroundMs +
    wireMs(replyBytes, baud)
  );
}

/** The registers of each read one meter's poll makes, in order. */
export type ReadPlan = readonly number[];

/** What one bus can carry at most when every meter is polled in turn with no time lost. */
export interface RtuCeiling {
  /** One round of the bus: every meter's every read, back to back, in ms. */
  readonly roundMs: number;
  /** Reads in that round. */
  readonly reads: number;
  /** Reads per second at most. */
  readonly readsPerSecond: number;
  /** Whole-meter polls per second at most, per meter. */
  readonly pollsPerSecondPerMeter: number;
}

/**
 * The theoretical maximum of a bus whose meters make the given plans, polled round-robin (which
 * a saturated bus poller does): the sum of the shortest cycles of every read in a round.
 */
export function rtuCeiling(
  plans: readonly ReadPlan[],
  baud: number,
  turnaroundMs: number,
): RtuCeiling {
  const reads = plans.reduce((n, plan) => n + plan.length, 0);
  const roundMs = plans
    .flat()
    .reduce((sum, registers) => sum + readCycleMs(registers, baud, turnaroundMs), 0);
  if (reads === 0 || roundMs <= 0) throw new RangeError('a ceiling needs at least one read');
  return {
    roundMs,
    reads,
    readsPerSecond: (reads * 1000) / roundMs,
    pollsPerSecondPerMeter: 1000 / roundMs,
  };
}
