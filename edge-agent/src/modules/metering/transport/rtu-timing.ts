/** Bits of one character on an RTU line: start, 8 data, parity or second stop, stop. */
const BITS_PER_CHARACTER = 11;

/**
 * The silent interval (t3.5) that must separate two RTU frames, in ms: 3.5 characters up to
 * 19,200 baud, a fixed 1.75 ms above (the Modbus serial line specification).
 */
export function rtuFrameGapMs(baud: number): number {
  if (baud > 19_200) return 1.75;
  return (3.5 * BITS_PER_CHARACTER * 1000) / baud;
}

/** The time `bytes` take on the wire at `baud`, in ms. */
export function rtuTransferMs(bytes: number, baud: number): number {
  return (bytes * BITS_PER_CHARACTER * 1000) / baud;
}
