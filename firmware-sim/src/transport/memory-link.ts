import type { ByteLink } from './byte-link.js';

/**
 * Two in-memory `ByteLink`s wired to each other, a null-modem cable without a pty: what one
 * writes, the other receives as one chunk on the next microtask (never synchronously, as with a
 * real port, so a reply never re-enters the code that sent the request).
 */
export function memoryLinkPair(): [MemoryLink, MemoryLink] {
  return MemoryLink.pair();
}

/** One end of a `memoryLinkPair`. */
export class MemoryLink implements ByteLink {
  #peer: MemoryLink | null = null;
  #listener: ((chunk: Buffer) => void) | null = null;
  #closed = false;
  /** Every chunk written on this end, for tests that assert bytes on the wire. */
  readonly written: Buffer[] = [];

  /** Two ends wired to each other (what `memoryLinkPair` returns). */
  static pair(): [MemoryLink, MemoryLink] {
    const a = new MemoryLink();
    const b = new MemoryLink();
    a.#peer = b;
    b.#peer = a;
    return [a, b];
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(bytes: Buffer): void {
    if (this.#closed) return;
    const copy = Buffer.from(bytes);
    this.written.push(copy);
    const peer = this.#peer;
    if (peer === null) return;
    queueMicrotask(() => {
      peer.#deliver(copy);
    });
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.#listener = listener;
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #deliver(chunk: Buffer): void {
    if (!this.#closed) this.#listener?.(chunk);
  }
}
