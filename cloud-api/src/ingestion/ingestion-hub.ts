import type { IngestedMessage, IngestionListener } from './ingested-message.js';

/**
 * Where domains subscribe to ingested device messages. Domain plugins add their listener when
 * they are registered; the ingestion pipeline (or a test) calls `dispatch` with each batch.
 */
export class IngestionHub {
  readonly #listeners: IngestionListener[] = [];

  /** Adds a listener; returns a function that removes it. */
  addListener(listener: IngestionListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const index = this.#listeners.indexOf(listener);
      if (index >= 0) this.#listeners.splice(index, 1);
    };
  }

  /** The listeners' names, in the order they run. */
  get listenerNames(): readonly string[] {
    return this.#listeners.map((l) => l.name);
  }

  /**
   * Hands a batch to every listener in registration order, one after the other (status before
   * commands before alarms: a birth is recorded before the commands it releases). Rejects with
   * the first listener's error; the caller retries the whole batch.
   */
  async dispatch(messages: readonly IngestedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    for (const listener of [...this.#listeners]) {
      await listener.onBatch(messages);
    }
  }
}
