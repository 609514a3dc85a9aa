import type { IngestedMessage, IngestionListener } from '@hameau/cloud-api';
import { summarize, type Summary } from '../percentiles.js';

/** What the recorder has seen since it was armed. */
export interface LagProgress {
  /** Telemetry messages handed over (new ones only: ingestion drops replays before). */
  readonly stored: number;
  /** Epoch ms of the first and the last batch that held any; null before the first. */
  readonly firstStoredAt: number | null;
  readonly lastStoredAt: number | null;
}

/**
 * An ingestion listener that notes, for each telemetry message, the time from its reading's
 * `at` to the moment its batch reached the listeners, which is right after the batch was
 * written to the time-series store and handed to the domains before it. One clock read per
 * batch and one number per message, into a preallocated array: it costs the pipeline nothing
 * it would notice.
 */
export class LagRecorder implements IngestionListener {
  readonly name = 'bench-lag';
  readonly #now: () => number;
  #samples = new Float64Array(1024);
  #stored = 0;
  #firstStoredAt: number | null = null;
  #lastStoredAt: number | null = null;
  #armed = false;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Starts a measurement that expects about `expected` messages; forgets the previous one. */
  arm(expected: number): void {
    if (this.#samples.length < expected) this.#samples = new Float64Array(expected);
    this.#stored = 0;
    this.#firstStoredAt = null;
    this.#lastStoredAt = null;
    this.#armed = true;
  }

  /** Stops recording (messages that arrive later are not counted). */
  disarm(): void {
    this.#armed = false;
  }

  onBatch(messages: readonly IngestedMessage[]): Promise<void> {
    if (!this.#armed) return Promise.resolve();
    const now = this.#now();
    let any = false;
    for (const m of messages) {
      if (m.kind !== 'telemetry') continue;
      if (this.#stored === this.#samples.length) this.#grow();
      this.#samples[this.#stored++] = now - Date.parse(m.payload.at);
      any = true;
    }
    if (any) {
      this.#firstStoredAt ??= now;
      this.#lastStoredAt = now;
    }
    return Promise.resolve();
  }

  progress(): LagProgress {
    return {
      stored: this.#stored,
      firstStoredAt: this.#firstStoredAt,
      lastStoredAt: this.#lastStoredAt,
    };
  }

  /** Reading → stored lag of every message since `arm`, in ms. */
  summary(): Summary {
    return summarize(this.#samples.subarray(0, this.#stored));
  }

  #grow(): void {
    const bigger = new Float64Array(this.#samples.length * 2);
    bigger.set(this.#samples);
    this.#samples = bigger;
  }
}
