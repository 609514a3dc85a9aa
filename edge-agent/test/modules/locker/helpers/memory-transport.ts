import type { MemoryLink } from '@hameau/firmware-sim';
import type { ByteTransport } from '../../../../src/modules/locker/board/byte-transport.js';

/**
 * The driver's `ByteTransport` on the agent's end of an in-memory line to the simulator: no
 * sockets, so a manual clock alone decides when polls and door springs happen. `kill` is a
 * power cut: nothing goes out or comes in any more, and nobody is told.
 */
export class MemoryTransport implements ByteTransport {
  readonly description = 'memory line';
  readonly #link: MemoryLink;
  #open = false;
  #dead = false;
  #onData: ((chunk: Buffer) => void) | null = null;

  constructor(link: MemoryLink) {
    this.#link = link;
    // One listener per line: the newest transport (after a restart) takes it over.
    link.onData((chunk) => {
      if (this.#open && !this.#dead) this.#onData?.(chunk);
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(): Promise<void> {
    if (this.#dead) return Promise.reject(new Error('power cut'));
    this.#open = true;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    return Promise.resolve();
  }

  write(bytes: Buffer): Promise<void> {
    if (!this.#open) return Promise.reject(new Error('not open'));
    if (!this.#dead) this.#link.write(bytes);
    return Promise.resolve();
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.#onData = listener;
  }

  onClose(): void {
    // An in-memory line is never lost.
  }

  /** The power cut: the line goes dead for this agent. */
  kill(): void {
    this.#dead = true;
  }
}
