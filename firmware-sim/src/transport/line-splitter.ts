/** What a `LineSplitter` found in the bytes it was fed. */
export type LineEvent =
  | { readonly kind: 'line'; readonly line: Buffer }
  /** The line passed the limit; its bytes up to the next `\n` are being dropped. */
  | { readonly kind: 'too-long' };

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into `\n`-terminated lines of at most `maxBytes` (newline excluded),
 * whatever the chunking. A longer line is reported once, as soon as it passes the limit, and
 * then discarded up to its newline, so a peer can never make the device buffer without bound.
 */
export class LineSplitter {
  readonly #maxBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #discarding = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Feeds a chunk; returns the complete lines and overflows it finished, in order. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.#discarding) {
        if (newline !== -1) this.#discarding = false;
        start = end + 1;
        continue;
      }
      if (this.#pendingBytes + (end - start) > this.#maxBytes) {
        events.push({ kind: 'too-long' });
        this.#reset();
        this.#discarding = newline === -1;
        start = end + 1;
        continue;
      }
      if (newline === -1) {
        // Copied so a small remainder does not pin the whole chunk in memory.
        this.#pending.push(Buffer.from(chunk.subarray(start)));
        this.#pendingBytes += chunk.length - start;
        break;
      }
      const line = Buffer.concat([...this.#pending, chunk.subarray(start, newline)]);
      this.#reset();
      events.push({ kind: 'line', line });
      start = newline + 1;
    }
    return events;
  }

  #reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}
