import { HameauError } from '@hameau/protocol';

/** How a message is published: straight from the topic's row in the protocol table. */
export interface PublishOptions {
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

/**
 * The API's way to publish to devices (commands, desired config) as the `cloud` service account.
 * Topics are built with the protocol helpers (`TOPICS.command.build(...)`), payloads are encoded
 * by the implementation (JSON), never by callers.
 */
export interface CloudPublisher {
  /** True while connected to the broker. */
  readonly connected: boolean;
  /**
   * Publishes one message. Resolves when the broker acknowledges it (PUBACK for QoS 1); rejects
   * with `MQTT_UNAVAILABLE` when not connected or when the connection drops before the ack.
   */
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<void>;
  /** Calls `listener` at every (re)connection; returns a function that removes it. */
  onConnect(listener: () => void): () => void;
}

/** The publisher of an API started without MQTT: never connected, so commands stay queued. */
export const offlinePublisher: CloudPublisher = Object.freeze({
  connected: false,
  publish(): Promise<void> {
    return Promise.reject(
      new HameauError('MQTT_UNAVAILABLE', 'the API is not connected to an MQTT broker'),
    );
  },
  onConnect(): () => void {
    return () => undefined;
  },
});
