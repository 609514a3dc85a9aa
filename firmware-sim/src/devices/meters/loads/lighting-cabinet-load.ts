import { HameauError } from '@hameau/protocol';
import type { LoadModel } from './load-model.js';

/** Settings of a `LightingCabinetLoad`. */
export interface LightingCabinetOptions {
  /** Lamps fed by the cabinet. */
  readonly lamps: number;
  /** One lamp's power at 100 %, W. */
  readonly lampW: number;
  /** The cabinet's own consumption (controller, drivers on standby), W. */
  readonly standbyW: number;
  /** Dim level at start, percent. */
  readonly level: number;
}

/**
 * A street-lighting cabinet: its power follows the lamps' dim level, which the lighting
 * simulator sets with `setLevel` as lamp nodes are commanded. LED drivers' power factor drops
 * at low levels, so it is modelled too.
 */
export class LightingCabinetLoad implements LoadModel {
  readonly kind = 'lighting';
  readonly options: LightingCabinetOptions;
  readonly #listeners = new Set<() => void>();
  #level: number;

  constructor(options: LightingCabinetOptions) {
    this.options = options;
    this.#level = checkLevel(options.level);
  }

  /** The dim level, percent. */
  get level(): number {
    return this.#level;
  }

  /** Sets the lamps' dim level now (0 = off … 100 = full). */
  setLevel(percent: number): void {
    const level = checkLevel(percent);
    if (level === this.#level) return;
    for (const listener of this.#listeners) listener();
    this.#level = level;
  }

  powerAt(): number {
    const { lamps, lampW, standbyW } = this.options;
    return standbyW + (lamps * lampW * this.#level) / 100;
  }

  powerFactorAt(): number {
    return this.#level === 0 ? 0.5 : 0.85 + (0.13 * this.#level) / 100;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function checkLevel(percent: number): number {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new HameauError('CONFIG_INVALID', `dim level must be 0 to 100, not ${percent}`, {
      level: percent,
    });
  }
  return percent;
}
