import type { Logger } from 'pino';

/** A listener of one event; listeners run synchronously, in subscription order. */
export type Listener<P> = (payload: P) => void;

/**
 * A typed, synchronous publish/subscribe bus between modules. `Events` maps event names to
 * payload types (the agent's map is `AgentEvents`, extended by declaration merging). A listener
 * that throws is logged and skipped: one module's bug never breaks the emitter or the other
 * listeners. Listeners must not do slow work inline; start it and return.
 */
export class EventBus<Events extends object> {
  readonly #log: Logger;
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events & string>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    // Wrapped so the same function subscribed twice is two subscriptions, each removable.
    const entry: Listener<Events[K]> = (payload) => {
      listener(payload);
    };
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Subscribes for the next event only. */
  once<K extends keyof Events & string>(name: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(name, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  /** Calls every listener of `name` with `payload`; returns how many were called. */
  emit<K extends keyof Events & string>(name: K, payload: Events[K]): number {
    const set = this.#listeners.get(name);
    if (set === undefined) return 0;
    // A snapshot: listeners added or removed by a listener take effect from the next emit.
    const listeners = [...set] as Listener<Events[K]>[];
    for (const listener of listeners) {
      try {
        listener(payload);
      } catch (err) {
        this.#log.error({ err, event: name }, 'event listener threw; other listeners still run');
      }
    }
    return listeners.length;
  }

  /** Current subscriptions to `name`. */
  listenerCount(name: keyof Events & string): number {
    return this.#listeners.get(name)?.size ?? 0;
  }
}
