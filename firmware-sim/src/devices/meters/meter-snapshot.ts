/** One phase of a meter's physical state. */
export interface PhaseState {
  /** Phase-to-neutral voltage, V. */
  readonly voltage: number;
  /** Current, A (always positive). */
  readonly current: number;
  /** Active power, W: positive when consumed (import), negative when produced (export). */
  readonly activePower: number;
  /** Power factor, 0 to 1. */
  readonly powerFactor: number;
  /** Active energy imported on this phase, kWh. */
  readonly importKwh: number;
}

/**
 * What a meter measures at one instant, in SI units. Register images are encoded from this,
 * so every model serves the same physical truth in its own layout.
 */
export interface MeterSnapshot {
  /** One entry for a single-phase meter, three for a three-phase one. */
  readonly phases: readonly PhaseState[];
  /** Hz. */
  readonly frequency: number;
  /** Total active power, W (positive: import). */
  readonly activePower: number;
  /** Total apparent power, VA. */
  readonly apparentPower: number;
  /** Total reactive power, var. */
  readonly reactivePower: number;
  /** Total power factor, 0 to 1. */
  readonly powerFactor: number;
  /** Imported active energy, kWh (never decreases, except on a counter reset). */
  readonly importKwh: number;
  /** Exported active energy, kWh (never decreases, except on a counter reset). */
  readonly exportKwh: number;
}
