import type { LightingDecision } from './control/index.js';
import { isRamping } from './decision-timing.js';
import type { Tonight, ZoneLedger } from './zone-ledger.js';
import type { ZoneLoad } from './zone-load.js';
import type { ModuleContext } from '../../runtime/agent-module.js';

// What the module says about each zone: a `level-changed` event with the reason trace when the
// level or its mode changes (at a ramp's start and end, not at each of its steps), and the
// `lighting` telemetry at a decision minute when something changed, and at least every
// `reportMinutes`. Through the night, that telemetry carries the night so far (the ledger's
// energy against full power), and the report of the cycle that ends the night carries the
// figures of its summary: the public dashboard shows tonight's savings without waiting for it.

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
/** A cycle runs when its timer fires, a few ms either side of a boundary. */
const SLACK_MS = 1000;

/** One zone's state after a cycle, as reported. */
export interface ZoneReport extends Pick<
  ZoneLoad,
  'expectedW' | 'measuredW' | 'silent' | 'writeFailures'
> {
  readonly zoneId: string;
  readonly decision: LightingDecision;
  /** Monotonic ms of the cycle. */
  readonly mono: number;
}

interface Reported {
  readonly mono: number;
  readonly level: number;
  readonly measuredKnown: boolean;
}

/** The events and telemetry of the zones. */
export class ZoneReporter {
  readonly #ctx: Pick<ModuleContext<unknown>, 'emit' | 'report'>;
  readonly #ledger: ZoneLedger;
  readonly #reported = new Map<string, Reported>();
  readonly #writeFailures = new Map<string, number>();

  constructor(ctx: Pick<ModuleContext<unknown>, 'emit' | 'report'>, ledger: ZoneLedger) {
    this.#ctx = ctx;
    this.#ledger = ledger;
  }

  /** A `level-changed` event when the zone's level or mode moved, except mid-ramp. */
  announce(zoneId: string, decision: LightingDecision): void {
    const last = this.#ledger.announced(zoneId);
    if (decision.level === last.level && decision.mode === last.mode) return;
    // A ramp moves the level every few seconds: announced where its mode starts and at its end.
    // A new mode at the same level (an override at the program's level) is announced too.
    if (decision.level !== last.level && decision.mode === last.mode && isRamping(decision)) {
      return;
    }
    this.#ledger.announce(zoneId, decision.level, decision.mode);
    this.#ctx.emit('level-changed', 'info', zoneId, {
      level: decision.level,
      previous: last.level,
      mode: decision.mode,
      reasons: decision.reasons,
    });
  }

  /** The zone's telemetry, when due (always at the end of its night), with `tonight`. */
  report(r: ZoneReport, periodMs: number, reportMs: number, tonight: Tonight | null): void {
    const failures = (this.#writeFailures.get(r.zoneId) ?? 0) + r.writeFailures;
    this.#writeFailures.set(r.zoneId, failures);
    const { decision } = r;
    const last = this.#reported.get(r.zoneId);
    const measuredKnown = r.measuredW !== null;
    const since = last === undefined ? Infinity : r.mono - last.mono;
    const changed = last?.level !== decision.level || last.measuredKnown !== measuredKnown;
    // A change waits for the next decision minute (a ramp's steps make one report a minute);
    // the periodic report goes now if waiting for the next cycle would make it late.
    const due =
      (changed && since >= periodMs - SLACK_MS) ||
      since + periodMs > reportMs + SLACK_MS ||
      tonight?.final === true;
    if (!due) return;
    this.#reported.set(r.zoneId, { mono: r.mono, level: decision.level, measuredKnown });
    this.#writeFailures.set(r.zoneId, 0);
    const missing: Record<string, string> = {};
    if (r.measuredW === null) {
      missing['measured_power_w'] =
        r.silent.length === 0
          ? 'no lamp node in this zone'
          : r.silent
              .map((o) => `${o.id}: ${o.failure?.reason ?? 'no reading'}`)
              .join('; ')
              .slice(0, 200);
    }
    this.#ctx.report(
      'lighting',
      r.zoneId,
      {
        level: decision.level,
        lit: decision.lit ? 1 : 0,
        expected_power_w: round1(r.expectedW),
        measured_power_w: r.measuredW === null ? null : round1(r.measuredW),
        burning_hours: round2(this.#ledger.burningHours(r.zoneId)),
        write_failures: failures,
      },
      Object.keys(missing).length > 0 ? missing : undefined,
      tonight === null ? undefined : { night: tonight.figures },
    );
  }

  /** Forgets zones no longer configured. */
  retain(zoneIds: readonly string[]): void {
    for (const id of this.#reported.keys()) if (!zoneIds.includes(id)) this.#reported.delete(id);
    for (const id of this.#writeFailures.keys()) {
      if (!zoneIds.includes(id)) this.#writeFailures.delete(id);
    }
  }
}
