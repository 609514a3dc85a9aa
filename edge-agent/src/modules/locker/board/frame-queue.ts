/** Which lane a bus job waits in: unlocks always go before status reads. */
export type FramePriority = 'unlock' | 'status';

interface Job {
  readonly task: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Serializes a bus: one job (one frame and its reply, if any) at a time, in two lanes. A
 * waiting unlock goes before every waiting status read, so a person at the locker waits at most
 * for the frame already on the wire, never for a round of polls.
 */
export class FrameQueue {
  readonly #lanes: Record<FramePriority, Job[]> = { unlock: [], status: [] };
  #busy = false;
  #closed: Error | null = null;

  /** Jobs waiting (not counting the one running). */
  get waiting(): number {
    return this.#lanes.unlock.length + this.#lanes.status.length;
  }

  /** Runs `task` when the bus is free and no job of a higher lane waits; settles as it does. */
  run<T>(priority: FramePriority, task: () => Promise<T>): Promise<T> {
    if (this.#closed !== null) return Promise.reject(this.#closed);
    return new Promise<T>((resolve, reject) => {
      this.#lanes[priority].push({
        task,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.#pump();
    });
  }

  /** Rejects every waiting job and every later one with `reason` (the bus stopped). */
  close(reason: Error): void {
    this.#closed = reason;
    for (const lane of Object.values(this.#lanes)) {
      for (const job of lane.splice(0)) job.reject(reason);
    }
  }

  #pump(): void {
    if (this.#busy) return;
    const job = this.#lanes.unlock.shift() ?? this.#lanes.status.shift();
    if (job === undefined) return;
    this.#busy = true;
    let started: Promise<unknown>;
    try {
      started = job.task();
    } catch (err) {
      started = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    void started.then(job.resolve, job.reject).finally(() => {
      this.#busy = false;
      this.#pump();
    });
  }
}
