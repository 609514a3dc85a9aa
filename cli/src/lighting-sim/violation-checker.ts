import type {
  LightingControlConfig,
  LightingOverride,
  SwitchOff,
  SwitchOn,
} from '@hameau/edge-agent';
import { AstroWindows, type AstroWindow } from './astro-windows.js';

// The simulation's referee. It judges each decision against the configuration alone: the sun
// times recomputed here (astro-windows.ts, not suncalc), the class minimums read from the
// config, the overrides as issued; never the controller's own night plan, so a mistake in the
// controller's astronomy or clamping shows up as a violation rather than agreeing with itself.

/** What must never happen. */
export const VIOLATION_KINDS = ['below-minimum', 'off-at-night', 'lit-by-day'] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** What each kind means, for the report. */
export const VIOLATION_LABEL: Readonly<Record<ViolationKind, string>> = {
  'below-minimum': 'lit below the class minimum',
  'off-at-night': 'off at night (no override)',
  'lit-by-day': 'lit by day beyond the offsets (no override)',
};

/**
 * Slack around switch-on and switch-off, ms: the two astronomies agree within seconds, and a
 * decision taken on the minute may fall either side of a switch time that is not.
 */
export const DEFAULT_TOLERANCE_MS = 2 * 60_000;

interface OverrideSpan {
  readonly from: number;
  readonly to: number;
  readonly level: number;
}

interface CheckedZone {
  readonly minimum: number;
  readonly switchOn: SwitchOn;
  readonly switchOff: SwitchOff;
  readonly overrides: readonly OverrideSpan[];
  window: AstroWindow | null;
}

const NONE: readonly ViolationKind[] = [];

/** Checks decisions of the zones of a configuration, counting violations by kind. */
export class ViolationChecker {
  readonly counts: Record<ViolationKind, number> = {
    'below-minimum': 0,
    'off-at-night': 0,
    'lit-by-day': 0,
  };
  readonly #zones = new Map<string, CheckedZone>();
  readonly #astro: AstroWindows;
  readonly #toleranceMs: number;

  constructor(
    config: LightingControlConfig,
    overrides: readonly LightingOverride[],
    toleranceMs = DEFAULT_TOLERANCE_MS,
  ) {
    this.#astro = new AstroWindows(config.site);
    this.#toleranceMs = toleranceMs;
    for (const zone of config.zones) {
      const mine = overrides.filter((o) => o.zones === 'all' || o.zones.includes(zone.id));
      this.#zones.set(zone.id, {
        minimum: config.classMinimums[zone.class],
        switchOn: zone.switchOn ?? config.switchOn,
        switchOff: zone.switchOff ?? config.switchOff,
        // An override holds from its start to the end of its ramp back.
        overrides: mine.map((o) => ({
          from: o.start,
          to: o.expiresAt + o.rampSeconds * 1000,
          level: o.level,
        })),
        window: null,
      });
    }
  }

  /** All violations so far. */
  get total(): number {
    return this.counts['below-minimum'] + this.counts['off-at-night'] + this.counts['lit-by-day'];
  }

  /** The zone's night window holding `t`, by its switch rules. */
  windowAt(zoneId: string, t: number): AstroWindow {
    const zone = this.#zone(zoneId);
    return this.#window(zone, t);
  }

  /** Whether the switch rules say it is night for a zone at `t` (no slack). */
  isNight(zoneId: string, t: number): boolean {
    const w = this.windowAt(zoneId, t);
    return w.on !== null && w.off !== null && t >= w.on && t < w.off;
  }

  /** Judges one decision (a level 0–100 at `t`); returns and counts what it breaks. */
  check(zoneId: string, t: number, level: number): readonly ViolationKind[] {
    const zone = this.#zone(zoneId);
    const w = this.#window(zone, t);
    const slack = this.#toleranceMs;
    const lit = level > 0;
    const below = lit && level < zone.minimum;
    const day = w.on === null || w.off === null || t < w.on - slack || t >= w.off + slack;
    const deepNight = w.on !== null && w.off !== null && t >= w.on + slack && t < w.off - slack;
    // The overrides are looked at only for a suspect decision: the rare case.
    const litByDay = lit && day && !this.#overrideSays(zone, t, (l) => l > 0);
    const offAtNight = !lit && deepNight && !this.#overrideSays(zone, t, (l) => l === 0);
    if (!below && !litByDay && !offAtNight) return NONE;
    const found: ViolationKind[] = [];
    if (below) found.push('below-minimum');
    if (litByDay) found.push('lit-by-day');
    if (offAtNight) found.push('off-at-night');
    for (const kind of found) this.counts[kind]++;
    return found;
  }

  #zone(zoneId: string): CheckedZone {
    const zone = this.#zones.get(zoneId);
    if (zone === undefined) throw new RangeError(`unknown zone ${JSON.stringify(zoneId)}`);
    return zone;
  }

  #window(zone: CheckedZone, t: number): AstroWindow {
    const w = zone.window;
    if (w !== null && t >= w.from && t < w.to) return w;
    const next = this.#astro.windowAt(t, zone.switchOn, zone.switchOff);
    zone.window = next;
    return next;
  }

  /** Whether an override in force at `t` asks for such a level (checked only on a suspect decision). */
  #overrideSays(zone: CheckedZone, t: number, wants: (level: number) => boolean): boolean {
    return zone.overrides.some((o) => t >= o.from && t < o.to && wants(o.level));
  }
}
