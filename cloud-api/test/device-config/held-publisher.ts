import type { PublishOptions } from '../../src/mqtt/cloud-publisher.js';
import { FakePublisher } from '../commands/fake-publisher.js';

/**
 * A fake broker that, while `hold` is set, takes publishes but acknowledges them only on
 * `release()`: a slow PUBACK, to see what else happens meanwhile. A held publish is recorded
 * when it is acknowledged.
 */
export class HeldPublisher extends FakePublisher {
  hold = false;
  readonly #held: (() => void)[] = [];

  /** Publishes taken and not acknowledged yet. */
  get pending(): number {
    return this.#held.length;
  }

  override publish(topic: string, payload: unknown, options: PublishOptions): Promise<void> {
    if (!this.hold) return super.publish(topic, payload, options);
    return new Promise((resolve, reject) => {
      this.#held.push(() => {
        super.publish(topic, payload, options).then(resolve, reject);
      });
    });
  }

  /** Acknowledges every held publish, in order. */
  release(): void {
    for (const ack of this.#held.splice(0)) ack();
  }
}
