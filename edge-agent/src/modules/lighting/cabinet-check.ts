import type { ModuleContext } from '../../runtime/agent-module.js';
import type { MeterReadingEvent } from '../metering/metering-events.js';
import type { CabinetCheckConfig } from './lighting-config.js';

// The cabinet's real meter against the virtual one: what the zones it feeds should draw at the
// levels set (rated power × dimming curve × level, standby when off) plus an allowance for the
// cabinet itself, compared with the active power the metering module last read from the
// cabinet's meter. A cabinet drawing far more than that has a stuck contactor, a fault to earth
// or a tapped supply; far less, a tripped breaker or a cut feeder. Individual lamps are the
// node checks' business: the tolerance is wide enough that one dead lamp does not trip this.

const MINUTE_MS = 60_000;
/** The alarm ends once the disagreement is back under this share of the tolerance band… */
export const CLEAR_BAND = 0.8;
/** …for this long: a reading hovering at the threshold does not raise and end it in turns. */
export const CLEAR_HOLD_MS = 2 * MINUTE_MS;
/**
 * A reading taken this soon after the expected power changed is not judged: the lamps' drivers
 * ramp (soft start) and a meter averages over a second or more.
 */
export const SETTLE_MS = 5_000;
/** The telemetry stream of the comparison (source: the meter id). */
export const CABINET_STREAM = 'lighting-cabinet';

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** How far the meter is from the expected power. */
export interface CabinetComparison {
  readonly expectedW: number;
  readonly measuredW: number;
  /** measured ÷ expected; null when nothing is expected. */
  readonly ratio: number | null;
  /** The disagreement beyond which they differ: max(tolerancePct % of expected, toleranceW). */
  readonly bandW: number;
  /**
   * `above` or `below`: beyond the band; `agree`: within `CLEAR_BAND` of it; `near`: in
   * between (neither raises nor ends an alarm).
   */
  readonly verdict: 'above' | 'below' | 'agree' | 'near';
}

/** Compares a measured cabinet power with the expected one. */
export function compareCabinet(
  expectedW: number,
  measuredW: number,
  tolerance: Pick<CabinetCheckConfig, 'tolerancePct' | 'toleranceW'>,
): CabinetComparison {
  const bandW = Math.max((expectedW * tolerance.tolerancePct) / 100, tolerance.toleranceW);
  const off = measuredW - expectedW;
  const verdict =
    off > bandW
      ? 'above'
      : -off > bandW
        ? 'below'
        : Math.abs(off) <= bandW * CLEAR_BAND
          ? 'agree'
          : 'near';
  return {
    expectedW,
    measuredW,
    ratio: expectedW > 0 ? measuredW / expectedW : null,
    bandW,
    verdict,
  };
}

/** What the check tells the agent. */
export type CabinetCheckContext = Pick<ModuleContext<unknown>, 'emit' | 'report'>;

/** The cabinet meter check of a lighting module (none without `energyChecks.cabinet`). */
export class CabinetCheck {
  readonly #ctx: CabinetCheckContext;
  #config: CabinetCheckConfig | undefined;
  /** The cabinet meter's last active power, with the monotonic time it arrived. */
  #reading: { readonly powerW: number; readonly mono: number } | null = null;
  /** The expected power of the last cycle, and since when it has been that. */
  #expected: { readonly watts: number; readonly since: number } | null = null;
  #raised = false;
  #raisedAt = 0;
  #outsideSince: number | null = null;
  #agreeSince: number | null = null;
  #reportedAt: number | null = null;

  constructor(config: CabinetCheckConfig | undefined, ctx: CabinetCheckContext) {
    this.#config = config;
    this.#ctx = ctx;
  }

  /** Whether `cabinet-power-mismatch` is raised. */
  get raised(): boolean {
    return this.#raised;
  }

  /** The zones behind the meter, or 'all'. */
  get zones(): CabinetCheckConfig['zones'] | null {
    return this.#config?.zones ?? null;
  }

  /** A new configuration; another meter (or none) starts afresh, ending a raised alarm. */
  reconfigure(config: CabinetCheckConfig | undefined): void {
    const before = this.#config;
    this.#config = config;
    if (before?.meter === config?.meter) return;
    if (this.#raised && before !== undefined) {
      this.#ctx.emit('cabinet-power-mismatch-ended', 'info', before.meter, {
        meter: before.meter,
        reason: config === undefined ? 'check removed' : `meter is now ${config.meter}`,
      });
    }
    this.#reading = null;
    this.#raised = false;
    this.#outsideSince = null;
    this.#agreeSince = null;
    this.#reportedAt = null;
  }

  /** A `metering.reading` of any meter of the agent: the cabinet's is kept. */
  reading(event: MeterReadingEvent, mono: number): void {
    if (event.meter !== this.#config?.meter) return;
    const power = event.values['power_w'];
    if (typeof power === 'number' && Number.isFinite(power)) {
      this.#reading = { powerW: power, mono };
    }
  }

  /**
   * After a cycle: `zonesW` is what the meter's zones should draw at the levels just set, W
   * (null when a zone's lamps are not known yet). Judges the latest fresh reading taken after
   * the expected power settled, raises or ends the alarm, and reports when due.
   */
  judge(zonesW: number | null, mono: number, reportMs: number): void {
    const config = this.#config;
    if (config === undefined) return;
    const expectedW = zonesW === null ? null : zonesW + config.allowanceW;
    if (expectedW === null) this.#expected = null;
    else if (this.#expected === null || Math.abs(this.#expected.watts - expectedW) > 0.05) {
      this.#expected = { watts: expectedW, since: mono };
    }
    const reading = this.#reading;
    const fresh =
      reading !== null && mono - reading.mono <= config.maxAgeSeconds * 1000 ? reading : null;
    const comparison =
      expectedW === null || fresh === null ? null : compareCabinet(expectedW, fresh.powerW, config);
    const settled =
      fresh !== null && this.#expected !== null && fresh.mono >= this.#expected.since + SETTLE_MS;
    if (comparison !== null && settled) this.#judge(comparison, config, mono);
    this.#report(config, expectedW, fresh, comparison, mono, reportMs);
  }

  #judge(c: CabinetComparison, config: CabinetCheckConfig, mono: number): void {
    const outside = c.verdict === 'above' || c.verdict === 'below';
    if (!this.#raised) {
      this.#outsideSince = outside ? (this.#outsideSince ?? mono) : null;
      if (this.#outsideSince === null || mono - this.#outsideSince < config.minutes * MINUTE_MS) {
        return;
      }
      this.#raised = true;
      this.#raisedAt = mono;
      this.#agreeSince = null;
      this.#reportedAt = null;
      this.#ctx.emit('cabinet-power-mismatch', 'alarm', config.meter, {
        ...this.#data(c, config),
        direction: c.verdict,
        toleranceW: round1(c.bandW),
        minutes: config.minutes,
      });
      return;
    }
    this.#agreeSince = c.verdict === 'agree' ? (this.#agreeSince ?? mono) : null;
    if (this.#agreeSince === null || mono - this.#agreeSince < CLEAR_HOLD_MS) return;
    this.#raised = false;
    this.#outsideSince = null;
    this.#reportedAt = null;
    this.#ctx.emit('cabinet-power-mismatch-ended', 'info', config.meter, {
      ...this.#data(c, config),
      mismatchMinutes: Math.round((mono - this.#raisedAt) / MINUTE_MS),
    });
  }

  #data(c: CabinetComparison, config: CabinetCheckConfig): Record<string, unknown> {
    return {
      meter: config.meter,
      expectedW: round1(c.expectedW),
      measuredW: round1(c.measuredW),
      ratio: c.ratio === null ? null : round2(c.ratio),
      allowanceW: config.allowanceW,
      zones: config.zones,
    };
  }

  /** The comparison on its own stream at the zones' report period, and at a raise or an end. */
  #report(
    config: CabinetCheckConfig,
    expectedW: number | null,
    fresh: { readonly powerW: number } | null,
    c: CabinetComparison | null,
    mono: number,
    reportMs: number,
  ): void {
    if (this.#reportedAt !== null && mono - this.#reportedAt < reportMs) return;
    this.#reportedAt = mono;
    const missing: Record<string, string> = {};
    if (fresh === null) {
      missing['measured_power_w'] =
        this.#reading === null
          ? `no reading from meter ${config.meter} (is it in modules.metering?)`
          : `no reading from meter ${config.meter} for over ${config.maxAgeSeconds} s`;
    }
    if (expectedW === null) {
      missing['expected_power_w'] = 'a zone’s lamps are not known yet (no rated power)';
    }
    const ratio = c?.ratio == null ? null : round2(c.ratio);
    if (ratio === null) {
      missing['ratio'] =
        c === null ? 'needs both powers' : 'nothing is expected (0 W): no ratio to give';
    }
    this.#ctx.report(
      CABINET_STREAM,
      config.meter,
      {
        expected_power_w: expectedW === null ? null : round1(expectedW),
        measured_power_w: fresh === null ? null : round1(fresh.powerW),
        ratio,
        mismatch: this.#raised ? 1 : 0,
      },
      Object.keys(missing).length > 0 ? missing : undefined,
    );
  }
}
