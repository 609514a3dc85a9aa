import type { Logger } from 'pino';
import { every, type Clock } from '@hameau/protocol';
import type { BusLink } from './bus-link.js';
import { BusQueue } from './bus-queue.js';
import type { MeterPoller } from './meter-poller.js';

/** What a bus poller runs. */
export interface BusPollerOptions {
  readonly id: string;
  readonly link: BusLink;
  readonly meters: readonly MeterPoller[];
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * Polls the meters of one bus through one serialized queue, each at its own rate. A meter whose
 * previous poll is still queued or running is not queued again, so a slow bus never builds a
 * backlog; it goes to the back of the queue when that poll ends, so a saturated bus serves its
 * meters in turn. A meter with an open breaker takes no
 * bus time at all, so the others keep their rate.
 */
export class BusPoller {
  readonly id: string;
  readonly #o: BusPollerOptions;
  readonly #queue = new BusQueue();
  readonly #inQueue = new Set<MeterPoller>();
  /** Meters whose turn came while they were still queued: queued again as soon as they finish. */
  readonly #missed = new Set<MeterPoller>();
  readonly #timers: (() => void)[] = [];
  #stopped = false;

  constructor(options: BusPollerOptions) {
    this.id = options.id;
    this.#o = options;
  }

  /** Whether the bus link is open now. */
  get connected(): boolean {
    return this.#o.link.connected;
  }

  /** The meters of this bus. */
  get meters(): readonly MeterPoller[] {
    return this.#o.meters;
  }

  /** Polls every meter once now, then each at its own rate. */
  start(): void {
    for (const meter of this.#o.meters) {
      this.#due(meter);
      this.#timers.push(
        every(this.#o.clock, meter.settings.pollMs, () => {
          this.#due(meter);
        }),
      );
    }
  }

  /** Stops polling, closes the link (failing a read in flight) and waits for the queue. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const cancel of this.#timers.splice(0)) cancel();
    for (const meter of this.#o.meters) meter.stop();
    await this.#o.link.close();
    await this.#queue.drain();
  }

  #due(meter: MeterPoller): void {
    if (this.#stopped) return;
    if (this.#inQueue.has(meter)) {
      // Not queued twice (no backlog), but not skipped either: on a saturated bus a meter whose
      // timer fired while it waited would otherwise lose a whole period to the others.
      this.#missed.add(meter);
      return;
    }
    this.#inQueue.add(meter);
    this.#queue
      .run(() => meter.poll(this.#o.link))
      .catch((err: unknown) => {
        this.#o.log.error({ err, meter: meter.settings.id }, 'meter poll failed');
      })
      .finally(() => {
        this.#inQueue.delete(meter);
        if (this.#missed.delete(meter)) this.#due(meter);
      });
  }
}
