import type { Clock, TimerHandle } from '@hameau/protocol';
import { MAX_RTU_FRAME_BYTES, rtuRequestLength } from './modbus-rtu-frame.js';

/**
 * Cuts the bytes a slave hears on an RTU bus into candidate request frames. A frame ends once
 * its function code tells its length, so back-to-back requests and several in one chunk are
 * split; otherwise (unknown function, noise, a truncated request) it ends after the t3.5
 * silence on the injected clock. Frames are not checked here: the caller drops bad CRCs.
 */
export class RtuRequestSplitter {
  readonly #clock: Clock;
  readonly #silenceMs: number;
  readonly #onFrame: (frame: Buffer) => void;
  #buffer: Buffer = Buffer.alloc(0);
  #silence: TimerHandle | null = null;

  constructor(options: {
    readonly clock: Clock;
    /** The t3.5 silence that ends a frame of unknown length. */
    readonly silenceMs: number;
    readonly onFrame: (frame: Buffer) => void;
  }) {
    this.#clock = options.clock;
    this.#silenceMs = options.silenceMs;
    this.#onFrame = options.onFrame;
  }

  /** Bytes received and not yet part of a frame. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** Feeds a chunk as it arrived from the line. */
  push(chunk: Buffer): void {
    this.#cancelSilence();
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const length = rtuRequestLength(this.#buffer);
      if (length !== null && this.#buffer.length >= length) {
        this.#emit(length);
        continue;
      }
      // Noise that never matches a length must not grow the buffer without bound.
      if (this.#buffer.length >= MAX_RTU_FRAME_BYTES) {
        this.#emit(MAX_RTU_FRAME_BYTES);
        continue;
      }
      break;
    }
    if (this.#buffer.length > 0) {
      this.#silence = this.#clock.setTimeout(() => {
        this.#silence = null;
        this.#emit(this.#buffer.length);
      }, this.#silenceMs);
    }
  }

  /** Cancels the silence timer and forgets pending bytes. */
  dispose(): void {
    this.#cancelSilence();
    this.#buffer = Buffer.alloc(0);
  }

  #emit(length: number): void {
    const frame = Buffer.from(this.#buffer.subarray(0, length));
    this.#buffer = this.#buffer.subarray(length);
    this.#onFrame(frame);
  }

  #cancelSilence(): void {
    if (this.#silence !== null) this.#clock.clearTimeout(this.#silence);
    this.#silence = null;
  }
}
