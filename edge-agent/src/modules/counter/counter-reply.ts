/** A reply of the firmware-sim `counter` device (docs/firmware-sim.md, "Wire protocol"). */
export type CounterReply =
  | { readonly kind: 'reading'; readonly seq: number; readonly value: number }
  | { readonly kind: 'error'; readonly reason: string };

const READING = /^N (\d{1,15}) (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/;

/** Parses one reply line (without its `\n`); anything unexpected is an error, never a 0. */
export function parseCounterReply(line: string): CounterReply {
  const reading = READING.exec(line);
  if (reading) {
    const value = Number(reading[2]);
    if (Number.isFinite(value)) return { kind: 'reading', seq: Number(reading[1]), value };
  }
  if (line.startsWith('E ')) return { kind: 'error', reason: `device: ${line.slice(2, 80)}` };
  return { kind: 'error', reason: 'garbage reply' };
}
