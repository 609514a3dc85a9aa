// aedes-persistence-redis ships no types. aedes 1.x needs its promise-based class (the package's
// main export is the older callback wrapper), so we import that file directly.
declare module 'aedes-persistence-redis/asyncPersistence.js' {
  import type { Redis } from 'ioredis';

  export default class AsyncRedisPersistence {
    constructor(opts: { conn?: Redis; maxSessionDelivery?: number });
    setup(broker: unknown): Promise<void>;
    destroy(): Promise<void>;
    createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown>;
    addSubscriptions(client: { id: string }, subs: { topic: string; qos: number }[]): Promise<void>;
  }
}
