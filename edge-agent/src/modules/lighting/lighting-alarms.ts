import type { Severity } from '@hameau/protocol';
import { powerFraction, type DimmingPoint } from './control/index.js';
import type { LightingConfig } from './lighting-config.js';
import type { NodeOutcome } from './node-fleet.js';

// The module's alarms, each raised once per episode and ended with an info event: a node that
// stops answering (`node-unreachable` / `node-recovered`), a lamp drawing too little while lit
// (`lamp-failure` / `lamp-recovered`), a relay the node says is stuck (`relay-stuck` /
// `relay-recovered`), and a zone burning while the program has it off (`day-burning` /
// `day-burning-ended`). A condition must hold for its configured minutes before it raises (an
// LED driver's soft start, a reading taken just as a level changed), and nothing is judged
// without a reading: a node that did not answer keeps its state.

const MINUTE_MS = 60_000;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Appends an event (the module context's `emit`). */
export type EmitEvent = (
  type: string,
  severity: Severity,
  subject: string,
  data: Readonly<Record<string, unknown>>,
) => void;

/** A condition held since `since` (monotonic ms), raised or not. */
class Episode {
  since: number | null = null;
  raised = false;

  /** Updates with the condition now; returns `raise`, `end` or null. */
  update(condition: boolean, mono: number, holdMs: number): 'raise' | 'end' | null {
    if (!condition) {
      this.since = null;
      if (!this.raised) return null;
      this.raised = false;
      return 'end';
    }
    this.since ??= mono;
    if (this.raised || mono - this.since < holdMs) return null;
    this.raised = true;
    return 'raise';
  }
}

/** A zone's state as the day-burning check needs it. */
export interface ZoneDraw {
  readonly zoneId: string;
  /** The level decided for the zone. */
  readonly level: number;
  readonly mode: string;
  /** The zone's nodes' readings this cycle (those that answered). */
  readonly readings: readonly { readonly id: string; readonly powerW: number }[];
  /** What the zone's lamps draw off, W. */
  readonly standbyW: number;
}

/** The alarm episodes of the module's nodes and zones. */
export class LightingAlarms {
  readonly #unreachable = new Map<string, { cycles: number; raised: boolean; since: number }>();
  readonly #lamp = new Map<string, Episode>();
  readonly #relay = new Map<string, Episode>();
  readonly #burning = new Map<string, Episode>();
  #config: LightingConfig;
  readonly #emit: EmitEvent;

  constructor(config: LightingConfig, emit: EmitEvent) {
    this.#config = config;
    this.#emit = emit;
  }

  /** A new configuration: thresholds change, episodes of nodes and zones still there go on. */
  reconfigure(config: LightingConfig): void {
    this.#config = config;
  }

  /** Judges each node's cycle; `ratedW` is the lamp's rated power, W, or null when unknown. */
  nodes(outcomes: readonly NodeOutcome[], ratedW: (id: string) => number | null, mono: number) {
    const { lampFailure } = this.#config.energyChecks;
    const curve: readonly DimmingPoint[] = this.#config.control.dimmingCurve;
    for (const o of outcomes) {
      this.#reachability(o, mono);
      const reading = o.reading;
      if (reading === null) continue;

      const relay = this.#episode(this.#relay, o.id);
      const relayChange = relay.update(reading.faults.relayStuck, mono, 0);
      if (relayChange === 'raise') {
        this.#emit('relay-stuck', 'alarm', o.id, { level: reading.appliedLevel });
      } else if (relayChange === 'end') {
        this.#emit('relay-recovered', 'info', o.id, { level: reading.appliedLevel });
      }

      // Judged only while the node drives its lamp: off, a dead lamp and a good one look alike.
      if (reading.appliedLevel === 0) continue;
      const rated = ratedW(o.id);
      const expectedW = rated === null ? null : rated * powerFraction(curve, reading.appliedLevel);
      const low = expectedW !== null && reading.powerW < (expectedW * lampFailure.belowPct) / 100;
      const failed = reading.faults.lampFailure || low;
      const lamp = this.#episode(this.#lamp, o.id);
      const change = lamp.update(failed, mono, lampFailure.minutes * MINUTE_MS);
      const data = {
        level: reading.appliedLevel,
        expectedW: expectedW === null ? null : round1(expectedW),
        measuredW: reading.powerW,
        nodeFault: reading.faults.lampFailure,
      };
      if (change === 'raise') this.#emit('lamp-failure', 'alarm', o.id, data);
      else if (change === 'end') this.#emit('lamp-recovered', 'info', o.id, data);
    }
  }

  /** Judges a zone: lamps burning while the program has it off. */
  zone(load: ZoneDraw, mono: number): void {
    if (load.readings.length === 0) return;
    const { dayBurning } = this.#config.energyChecks;
    const measuredW = load.readings.reduce((sum, r) => sum + r.powerW, 0);
    const burning = load.level === 0 && measuredW > load.standbyW + dayBurning.aboveW;
    const episode = this.#episode(this.#burning, load.zoneId);
    const change = episode.update(burning, mono, dayBurning.minutes * MINUTE_MS);
    const data = {
      measuredW: round1(measuredW),
      standbyW: round1(load.standbyW),
      mode: load.mode,
      nodes: load.readings.filter((r) => r.powerW > 0).map((r) => r.id),
    };
    if (change === 'raise') this.#emit('day-burning', 'alarm', load.zoneId, data);
    else if (change === 'end') this.#emit('day-burning-ended', 'info', load.zoneId, data);
  }

  /** Forgets nodes and zones no longer configured. */
  retain(nodeIds: readonly string[], zoneIds: readonly string[]): void {
    const keep = (map: Map<string, unknown>, ids: readonly string[]) => {
      for (const id of map.keys()) if (!ids.includes(id)) map.delete(id);
    };
    keep(this.#unreachable, nodeIds);
    keep(this.#lamp, nodeIds);
    keep(this.#relay, nodeIds);
    keep(this.#burning, zoneIds);
  }

  #reachability(o: NodeOutcome, mono: number): void {
    const state = this.#unreachable.get(o.id) ?? { cycles: 0, raised: false, since: mono };
    this.#unreachable.set(o.id, state);
    if (!o.unreachable) {
      if (state.raised) {
        this.#emit('node-recovered', 'info', o.id, {
          downMinutes: Math.round((mono - state.since) / MINUTE_MS),
        });
      }
      state.cycles = 0;
      state.raised = false;
      return;
    }
    if (state.cycles === 0) state.since = mono;
    state.cycles += 1;
    if (!state.raised && state.cycles >= this.#config.unreachableCycles) {
      state.raised = true;
      this.#emit('node-unreachable', 'alarm', o.id, {
        reason: o.failure?.reason ?? 'no answer',
        kind: o.failure?.kind ?? 'timeout',
        cycles: state.cycles,
      });
    }
  }

  #episode(map: Map<string, Episode>, id: string): Episode {
    let episode = map.get(id);
    if (episode === undefined) {
      episode = new Episode();
      map.set(id, episode);
    }
    return episode;
  }
}
