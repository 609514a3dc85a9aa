import { smoothNoise } from './loads/smooth-noise.js';

/** Settings of a `GridModel`. */
export interface GridOptions {
  /** Nominal phase-to-neutral voltage, V. */
  readonly voltage: number;
  /** Nominal frequency, Hz. */
  readonly frequency: number;
  /** Small smooth wander around the nominal values when true; exactly nominal when false. */
  readonly noise: boolean;
  readonly seed: number;
}

const VOLTAGE_WANDER = 0.01;
const FREQUENCY_WANDER_HZ = 0.03;
const VOLTAGE_PERIOD_MS = 10 * 60_000;
const FREQUENCY_PERIOD_MS = 5 * 60_000;

/** The supply a meter sees: voltage per phase (±1 %) and frequency (±0.03 Hz). */
export class GridModel {
  readonly options: GridOptions;

  constructor(options: GridOptions) {
    this.options = options;
  }

  /** Phase `index`'s voltage at `t`, V. */
  voltageAt(t: number, index: number): number {
    const { voltage, noise, seed } = this.options;
    if (!noise) return voltage;
    return voltage * (1 + VOLTAGE_WANDER * smoothNoise(seed + 101 + index, t, VOLTAGE_PERIOD_MS));
  }

  /** The frequency at `t`, Hz. */
  frequencyAt(t: number): number {
    const { frequency, noise, seed } = this.options;
    if (!noise) return frequency;
    return frequency + FREQUENCY_WANDER_HZ * smoothNoise(seed + 7, t, FREQUENCY_PERIOD_MS);
  }
}
