/** A box as the agent last reported it. */
export interface BoxState {
  readonly locked: boolean;
  readonly item: boolean;
}

interface Waiter {
  readonly box: number;
  readonly until: (state: BoxState) => boolean;
  resolve(): void;
}

/**
 * The bank's boxes as the agent sees them, followed from the locker events it writes to its
 * outbox (`door-opened`, `door-closed`, `item-placed`, `item-removed`), so the bench offers a
 * code or a command only for a box the agent knows is shut (and full, for a pickup), as a
 * resident would find it. Every box starts locked and full, as the simulator starts.
 */
export class BoxStates {
  readonly #states = new Map<number, BoxState>();
  readonly #waiters = new Set<Waiter>();
  /** Warnings and alarms the agent raised about boxes: a bench that works raises none. */
  readonly unexpected: string[] = [];

  constructor(boxes: number) {
    for (let box = 1; box <= boxes; box++) this.#states.set(box, { locked: true, item: true });
  }

  get(box: number): BoxState | undefined {
    return this.#states.get(box);
  }

  /** Folds in one locker event of the agent. */
  apply(type: string, severity: string, data: Readonly<Record<string, unknown>>): void {
    const box = typeof data['box'] === 'number' ? data['box'] : undefined;
    if (severity !== 'info') this.unexpected.push(`${type}${box === undefined ? '' : ` ${box}`}`);
    if (box === undefined) return;
    const state = this.#states.get(box);
    if (state === undefined) return;
    let next: BoxState;
    switch (type) {
      case 'door-opened':
        next = { ...state, locked: false };
        break;
      case 'door-closed':
        next = { locked: true, item: data['itemPresent'] === true };
        break;
      case 'item-placed':
        next = { ...state, item: true };
        break;
      case 'item-removed':
        next = { ...state, item: false };
        break;
      default:
        return;
    }
    this.#states.set(box, next);
    for (const w of this.#waiters) {
      if (w.box === box && w.until(next)) {
        this.#waiters.delete(w);
        w.resolve();
      }
    }
  }

  /** Resolves once the agent reports `box` in a state `until` accepts; rejects after `timeoutMs`. */
  until(box: number, until: (state: BoxState) => boolean, timeoutMs: number): Promise<void> {
    const now = this.#states.get(box);
    if (now !== undefined && until(now)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`box ${box}: the agent did not report the expected state in time`));
      }, timeoutMs);
      const waiter: Waiter = {
        box,
        until,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.add(waiter);
    });
  }
}
