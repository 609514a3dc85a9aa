/** When to report early: a change of `power_w` since the last report beyond either threshold. */
export interface OnChange {
  /** Absolute change, W. */
  readonly powerW?: number | undefined;
  /** Relative change, % of the last reported value. */
  readonly powerPct?: number | undefined;
}

/** Why a reading is reported now. */
export type ReportReason = 'interval' | 'change';

/**
 * Decides which polls of a meter are reported: one per `intervalMs`, plus any poll whose
 * `power_w` moved more than the on-change thresholds from the last reported one (so a load
 * switching on shows within one poll, not one interval). The first poll is always reported.
 * Polls end a little late or early (the bus is shared), so a poll within half a poll period of
 * the interval counts as on time: with `pollMs` equal to `intervalMs`, every poll is reported.
 */
export class ReportPolicy {
  readonly #dueAfterMs: number;
  readonly #onChange: OnChange | undefined;
  #lastAt: number | null = null;
  #lastPower: number | null = null;

  constructor(intervalMs: number, pollMs: number, onChange?: OnChange) {
    this.#dueAfterMs = intervalMs - pollMs / 2;
    this.#onChange = onChange;
  }

  /** Why the poll taken at `now` with `power` (null if not read) should be reported, if at all. */
  due(now: number, power: number | null | undefined): ReportReason | null {
    if (this.#lastAt === null || now - this.#lastAt >= this.#dueAfterMs) return 'interval';
    if (this.#onChange === undefined || power === null || power === undefined) return null;
    // The last report had no power (the meter did not answer): this one brings it back.
    if (this.#lastPower === null) return 'change';
    const delta = Math.abs(power - this.#lastPower);
    const { powerW, powerPct } = this.#onChange;
    if (powerW !== undefined && delta > powerW) return 'change';
    if (powerPct !== undefined && delta > (Math.abs(this.#lastPower) * powerPct) / 100) {
      return 'change';
    }
    return null;
  }

  /** Records that the poll taken at `now` was reported. */
  reported(now: number, power: number | null | undefined): void {
    this.#lastAt = now;
    this.#lastPower = power ?? null;
  }
}
