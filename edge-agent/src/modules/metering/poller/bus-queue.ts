/**
 * Runs jobs on one bus one after the other, in the order they were queued: an RTU line carries
 * one request at a time, and a Modbus TCP gateway in front of one is no different. A job that
 * fails does not hold up the ones behind it.
 */
export class BusQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;

  /** Jobs queued or running. */
  get size(): number {
    return this.#waiting;
  }

  /** Runs `job` once every job queued before it has settled; settles as it does. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.#waiting++;
    const result = this.#tail.then(job).finally(() => {
      this.#waiting--;
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every job queued so far has settled. */
  async drain(): Promise<void> {
    await this.#tail;
  }
}
