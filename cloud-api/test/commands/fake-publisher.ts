import { HameauError } from '@hameau/protocol';
import type { CloudPublisher, PublishOptions } from '../../src/mqtt/cloud-publisher.js';

/** One message the fake broker acknowledged. */
export interface Published {
  readonly topic: string;
  readonly payload: unknown;
  readonly options: PublishOptions;
}

/**
 * A `CloudPublisher` without a broker: it records what it acknowledges, is connected or not as
 * the test says, fires `onConnect` listeners on `connect()`, and can be told to refuse
 * publishes (a connection that drops before the PUBACK).
 */
export class FakePublisher implements CloudPublisher {
  connected: boolean;
  /** When true, publishes reject with `MQTT_UNAVAILABLE` even while connected. */
  failing = false;
  readonly published: Published[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(connected = false) {
    this.connected = connected;
  }

  publish(topic: string, payload: unknown, options: PublishOptions): Promise<void> {
    if (!this.connected || this.failing) {
      return Promise.reject(new HameauError('MQTT_UNAVAILABLE', 'fake broker: not connected'));
    }
    // A copy, as the bytes on the wire would be.
    this.published.push({ topic, payload: structuredClone(payload), options });
    return Promise.resolve();
  }

  onConnect(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Connects and calls every `onConnect` listener. */
  connect(): void {
    this.connected = true;
    for (const listener of this.#listeners) listener();
  }

  disconnect(): void {
    this.connected = false;
  }

  /** The ids of the commands published so far, in order. */
  ids(): string[] {
    return this.published.map((p) => (p.payload as { id: string }).id);
  }
}
