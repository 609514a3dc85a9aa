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
 * What a cabinet's lamps draw when something else knows it: the simulated lamp nodes fed by the
 * cabinet (`LampNodeGroup.power`).
 */
export interface PowerSource {
  /** The lamps' total active power now, W. */
  powerW(): number;
  /** Their total power at full output, W; the power factor follows the share of it drawn. */
  ratedW(): number;
  /** Registers a listener called just *before* the power changes; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}

/**
 * A street-lighting cabinet: its power follows the lamps' dim level, which the lighting
 * simulator sets with `setLevel`, or the lamp nodes it feeds once it `follow`s their power.
 * LED drivers' power factor drops at low levels, so it is modelled too.
 */
export class LightingCabinetLoad implements LoadModel {
  readonly kind = 'lighting';
  readonly options: LightingCabinetOptions;
  readonly #listeners = new Set<() => void>();
  #level: number;
  #source: { readonly source: PowerSource; readonly unsubscribe: () => void } | null = null;

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

  /**
   * From now on the lamps draw what `source` says (the cabinet's standby power is still added),
   * instead of `lamps × lampW × level`; null goes back to the level.
   */
  follow(source: PowerSource | null): void {
    for (const listener of this.#listeners) listener();
    this.#source?.unsubscribe();
    this.#source =
      source === null
        ? null
        : {
            source,
            unsubscribe: source.onChange(() => {
              for (const listener of this.#listeners) listener();
            }),
          };
  }

  powerAt(): number {
    const { lamps, lampW, standbyW } = this.options;
    const source = this.#source?.source;
    return (
      standbyW + (source === undefined ? (lamps * lampW * this.#level) / 100 : source.powerW())
    );
  }

  powerFactorAt(): number {
    const source = this.#source?.source;
    let share = this.#level / 100;
    if (source !== undefined) {
      const rated = source.ratedW();
      share = rated > 0 ? Math.min(1, source.powerW() / rated) : 0;
    }
    return share === 0 ? 0.5 : 0.85 + 0.13 * share;
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
