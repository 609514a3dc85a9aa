import type { PowerSource } from '../meters/loads/lighting-cabinet-load.js';
import type { SimLampNode } from './sim-lamp-node.js';

/**
 * The total power of a group of lamp nodes, as the cabinet that feeds them sees it: a
 * `PowerSource` that a lighting cabinet's meter load `follow`s, so its power and energy track
 * every level written, watchdog fallback and lamp failure exactly, plus any load on the feeder
 * that no node drives (`setStrayLoad`).
 */
export class LampNodePower implements PowerSource {
  readonly #nodes: readonly SimLampNode[];
  readonly #listeners = new Set<() => void>();
  #strayW = 0;

  constructor(nodes: readonly SimLampNode[]) {
    this.#nodes = nodes;
  }

  /** The nodes' summed active power now, plus the stray load, W. */
  powerW(): number {
    return this.#nodes.reduce((sum, node) => sum + node.powerW, this.#strayW);
  }

  /** The stray load now, W. */
  get strayW(): number {
    return this.#strayW;
  }

  /**
   * A load on the lighting feeder that no node drives, W (0: none): a fault to earth, a supply
   * tapped for a market stall, a contactor feeding another circuit. The cabinet's meter sees
   * it; no node reports it.
   */
  setStrayLoad(watts: number): void {
    if (!Number.isFinite(watts) || watts < 0) {
      throw new RangeError(`a stray load is 0 W or more, not ${watts}`);
    }
    if (watts === this.#strayW) return;
    for (const listener of this.#listeners) listener();
    this.#strayW = watts;
  }

  /** The nodes' summed rated power, W. */
  ratedW(): number {
    return this.#nodes.reduce((sum, node) => sum + node.options.ratedW, 0);
  }

  /** Calls `listener` just before any node's power may change; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    const offs = this.#nodes.map((node) => node.onChange(listener));
    this.#listeners.add(listener);
    return () => {
      for (const off of offs) off();
      this.#listeners.delete(listener);
    };
  }
}
