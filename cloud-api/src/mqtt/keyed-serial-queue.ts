/**
 * Runs tasks one after the other per key, tasks of different keys side by side. The retained
 * publishers use it so that a key's last publish is the one that read the newest state: the
 * broker keeps only the last retained message of a topic.
 */
export class KeyedSerialQueue {
  /** Per key, the end of its queue; removed once the queue drains. */
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Runs `task` after every task queued before it for `key`, whether they resolved or not. The
   * task's result or rejection is the caller's; it never stops the tasks queued after it.
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const run = (this.#tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return run;
  }

  /** How many keys have a task queued or running. */
  get busyKeys(): number {
    return this.#tails.size;
  }
}
