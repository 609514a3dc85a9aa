import type { LoadModel } from './loads/load-model.js';

/** Counters integrate in slices no longer than this (and aligned to it), ms. */
export const INTEGRATION_STEP_MS = 60_000;
const JOULES_PER_KWH = 3_600_000;

/**
 * A meter's import and export energy registers, integrating the load's power over the
 * clock. Slices are aligned to a fixed grid and split where a load jumps, with the power
 * taken at each slice's midpoint, so piecewise-constant loads integrate exactly and a value
 * never depends on how often the meter is read. Energy is kept in joules so that sums of
 * whole watts over whole seconds stay exact.
 */
export class EnergyCounters {
  #importJ: number;
  #exportJ: number;
  #at: number;

  constructor(start: number, importKwh: number, exportKwh: number) {
    this.#at = start;
    this.#importJ = importKwh * JOULES_PER_KWH;
    this.#exportJ = exportKwh * JOULES_PER_KWH;
  }

  get importKwh(): number {
    return this.#importJ / JOULES_PER_KWH;
  }

  get exportKwh(): number {
    return this.#exportJ / JOULES_PER_KWH;
  }

  /** The instant the counters are integrated up to. */
  get at(): number {
    return this.#at;
  }

  /** Integrates `load` from the last instant up to `t`; an earlier `t` changes nothing. */
  advanceTo(t: number, load: LoadModel): void {
    if (t <= this.#at) return;
    const changes = [...(load.changesBetween?.(this.#at, t) ?? [])].sort((a, b) => a - b);
    let nextChange = 0;
    let grid = (Math.floor(this.#at / INTEGRATION_STEP_MS) + 1) * INTEGRATION_STEP_MS;
    let from = this.#at;
    while (from < t) {
      const to = Math.min(grid, t, changes[nextChange] ?? Infinity);
      const watts = load.powerAt((from + to) / 2);
      const joules = (watts * (to - from)) / 1000;
      if (joules > 0) this.#importJ += joules;
      else if (joules < 0) this.#exportJ -= joules;
      if (to === grid) grid += INTEGRATION_STEP_MS;
      while ((changes[nextChange] ?? Infinity) <= to) nextChange += 1;
      from = to;
    }
    this.#at = t;
  }

  /** Sets both counters to zero (a meter reset by a technician, or replaced). */
  reset(): void {
    this.#importJ = 0;
    this.#exportJ = 0;
  }
}
