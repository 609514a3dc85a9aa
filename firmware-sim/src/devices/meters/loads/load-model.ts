/**
 * What drives a meter: the active power flowing through it over time. Positive power is
 * consumed (imported from the grid), negative power is produced (exported).
 */
export interface LoadModel {
  readonly kind: string;
  /** Active power at `t` (ms since the epoch), W. */
  powerAt(t: number): number;
  /** Power factor at `t`, in (0, 1]. */
  powerFactorAt(t: number): number;
  /**
   * Instants in `(from, to)` where the power jumps on a schedule, so counters integrate
   * piecewise-constant loads exactly. Smooth loads have none.
   */
  changesBetween?(from: number, to: number): readonly number[];
  /**
   * Registers a listener called just *before* the power changes on request (a dim level set
   * now), so counters can integrate up to that instant at the old power. Returns an
   * unsubscribe function.
   */
  onChange?(listener: () => void): () => void;
}
