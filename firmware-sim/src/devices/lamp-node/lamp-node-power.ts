import type { PowerSource } from '../meters/loads/lighting-cabinet-load.js';
import type { SimLampNode } from './sim-lamp-node.js';

/**
 * The total power of a group of lamp nodes, as the cabinet that feeds them sees it: a
 * `PowerSource` that a lighting cabinet's meter load `follow`s, so its power and energy track
 * every level written, watchdog fallback and lamp failure exactly.
 */
export class LampNodePower implements PowerSource {
  readonly #nodes: readonly SimLampNode[];

  constructor(nodes: readonly SimLampNode[]) {
    this.#nodes = nodes;
  }

  /** The nodes' summed active power now, W. */
  powerW(): number {
    return this.#nodes.reduce((sum, node) => sum + node.powerW, 0);
  }

  /** The nodes' summed rated power, W. */
  ratedW(): number {
    return this.#nodes.reduce((sum, node) => sum + node.options.ratedW, 0);
  }

  /** Calls `listener` just before any node's power may change; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    const offs = this.#nodes.map((node) => node.onChange(listener));
    return () => {
      for (const off of offs) off();
    };
  }
}
