/**
 * The counter's wire format (docs/firmware-sim.md, "The counter protocol"), as pure functions
 * so the bytes are tested without sockets.
 */

/** Longest request line accepted, in bytes, not counting its `\n`. */
export const COUNTER_MAX_LINE_BYTES = 256;

/** A request the counter understands. */
export type CounterCommand = 'READ' | 'INFO';

/** Answer to an unknown request (an empty line included). */
export const UNKNOWN_COMMAND = 'E unknown-command\n';
/** Answer to a request line longer than `COUNTER_MAX_LINE_BYTES`. */
export const LINE_TOO_LONG = 'E line-too-long\n';

/** Reads one request line (without its `\n`); a single trailing `\r` is allowed for terminals. */
export function parseCounterCommand(line: Buffer): CounterCommand | null {
  const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
  const text = line.toString('latin1', 0, end);
  return text === 'READ' || text === 'INFO' ? text : null;
}

/**
 * The reading numbered `seq`: `seq * scale` in IEEE 754 doubles, so any language computes the
 * same number. It is printed as ECMAScript's shortest round-trip decimal, which reads back to
 * the same double (`0.5`, `1`, `0.30000000000000004`, `1e+21`).
 */
export function counterValue(seq: number, scale: number): number {
  return seq * scale;
}

/** `N <seq> <value>\n`. */
export function formatReading(seq: number, scale: number): string {
  return `N ${seq} ${counterValue(seq, scale)}\n`;
}

/** `I counter <id> <seq>\n`, where seq is the last reading answered (start - 1 before any). */
export function formatInfo(id: string, lastSeq: number): string {
  return `I counter ${id} ${lastSeq}\n`;
}
