/** What a `LineReader` found in the bytes it was fed. */
export type KeypadLine =
  | { readonly kind: 'line'; readonly bytes: Buffer }
  /** A line passed the limit; its bytes up to the next line end are being dropped. */
  | { readonly kind: 'too-long' };

const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits what a keypad or scanner sends into lines ended by CR, LF or CRLF (scanners differ, and
 * many can be set to any of the three), whatever the chunking. Empty lines are skipped, which is
 * what makes CRLF one line end. A line longer than `maxBytes` is reported once, as soon as it
 * passes the limit, and dropped up to its end, so a stuck key or a noisy cable never makes the
 * agent buffer without bound.
 */
export class LineReader {
  readonly #maxBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #discarding = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Feeds a chunk; returns the lines and overflows it completed, in order. */
  push(chunk: Buffer): KeypadLine[] {
    const found: KeypadLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const end = lineEnd(chunk, start);
      const last = end === -1;
      const stop = last ? chunk.length : end;
      if (this.#discarding) {
        if (!last) this.#discarding = false;
        start = stop + 1;
        continue;
      }
      if (this.#pendingBytes + (stop - start) > this.#maxBytes) {
        found.push({ kind: 'too-long' });
        this.#reset();
        this.#discarding = last;
        start = stop + 1;
        continue;
      }
      if (last) {
        // Copied, so a few bytes left over do not pin the whole chunk in memory.
        this.#pending.push(Buffer.from(chunk.subarray(start)));
        this.#pendingBytes += chunk.length - start;
        break;
      }
      const bytes = Buffer.concat([...this.#pending, chunk.subarray(start, stop)]);
      this.#reset();
      if (bytes.length > 0) found.push({ kind: 'line', bytes });
      start = stop + 1;
    }
    return found;
  }

  /** Forgets a partial line (the port was reopened: what came before is stale). */
  clear(): void {
    this.#reset();
    this.#discarding = false;
  }

  #reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

function lineEnd(chunk: Buffer, from: number): number {
  for (let i = from; i < chunk.length; i++) {
    const byte = chunk[i];
    if (byte === CR || byte === LF) return i;
  }
  return -1;
}
