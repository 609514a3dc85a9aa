/**
 * A job run on request (a sync of every retained message after a broker connect). A request
 * while it runs does not start a second one beside it: the run goes once more when it ends,
 * since what it read may be stale by then (the connection may have dropped in between), and
 * every request made meanwhile resolves with the total of the runs.
 */
export class RerunWhileAsked<T> {
  readonly #once: () => Promise<T>;
  readonly #add: (a: T, b: T) => T;
  readonly #zero: T;
  readonly #stopped: () => boolean;
  #running: Promise<T> | null = null;
  /** Requests so far; one made while a run goes makes it go again. */
  #asked = 0;

  constructor(job: {
    /** One run. */
    readonly once: () => Promise<T>;
    /** Adds two runs' results. */
    readonly add: (a: T, b: T) => T;
    /** The total before any run. */
    readonly zero: T;
    /** True once no further run should start (the app is closing). */
    readonly stopped: () => boolean;
  }) {
    this.#once = job.once;
    this.#add = job.add;
    this.#zero = job.zero;
    this.#stopped = job.stopped;
  }

  /** Runs the job, or has the run in progress go once more; resolves with the runs' total. */
  request(): Promise<T> {
    this.#asked++;
    if (this.#running !== null) return this.#running;
    const running = this.#runWhileAsked().finally(() => {
      this.#running = null;
    });
    this.#running = running;
    return running;
  }

  async #runWhileAsked(): Promise<T> {
    let total = this.#zero;
    for (;;) {
      const asked = this.#asked;
      total = this.#add(total, await this.#once());
      if (this.#asked === asked || this.#stopped()) return total;
    }
  }
}
