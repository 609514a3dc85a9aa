import { memoryLinkPair, type MemoryLink } from '@hameau/firmware-sim';
import type { Clock } from '@hameau/protocol';
import type { ByteTransport } from '../../../../../src/modules/locker/board/byte-transport.js';

/**
 * A `ByteTransport` over one end of an in-memory line (the simulator holds the other end), with
 * the failures a real link has: `drop()` loses the link as an unplugged adapter does, and
 * `refuseOpens` makes the next openings fail.
 */
export class MemoryTransport implements ByteTransport {
  readonly description = 'memory';
  readonly link: MemoryLink;
  /** The simulator's end. */
  readonly peer: MemoryLink;
  /** When each opening was tried, successful or not, on the clock given. */
  readonly openedAt: number[] = [];
  /** While above 0, each opening fails and counts it down. */
  refuseOpens = 0;
  #open = false;
  #onData: (chunk: Buffer) => void = () => undefined;
  #onClose: (reason: string) => void = () => undefined;

  readonly #clock: Clock | null;

  constructor(clock: Clock | null = null) {
    this.#clock = clock;
    const [sim, agent] = memoryLinkPair();
    this.peer = sim;
    this.link = agent;
    agent.onData((chunk) => {
      if (this.#open) this.#onData(chunk);
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Every frame written while open, as hex. */
  get frames(): string[] {
    return this.link.written.map((b) => b.toString('hex'));
  }

  open(): Promise<void> {
    this.openedAt.push(this.#clock?.now() ?? 0);
    if (this.refuseOpens > 0) {
      this.refuseOpens -= 1;
      return Promise.reject(new Error('no such device'));
    }
    this.#open = true;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    return Promise.resolve();
  }

  write(bytes: Buffer): Promise<void> {
    if (!this.#open) return Promise.reject(new Error('not open'));
    this.link.write(bytes);
    return Promise.resolve();
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.#onData = listener;
  }

  onClose(listener: (reason: string) => void): void {
    this.#onClose = listener;
  }

  /** The link is lost under the bus (not through `close`). */
  drop(reason = 'device unplugged'): void {
    this.#open = false;
    this.#onClose(reason);
  }
}
