import type { Logger } from 'pino';
import { z } from 'zod';
import type { NightSoFar } from '@hameau/protocol';
import type { AgentState } from '../../store/agent-state.js';

// What the module remembers of each zone across restarts: the last level it announced (so a
// restart does not announce it again), the hours it kept the zone lit, and the current night's
// energy. Time is counted on the monotonic clock between two cycles, so a wall-clock jump adds
// nothing; a gap longer than a few decision periods (the agent was down) is not counted either:
// nobody knows what the lamps did then.

export const ZONES_KEY = 'lighting.zones';
const HOUR_MS = 3_600_000;
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

const Night = z.object({
  /** Day number of the local date the night starts on, and that date. */
  night: z.int(),
  date: z.string(),
  switchOn: z.number().nullable(),
  switchOff: z.number().nullable(),
  energyWh: z.number(),
  baselineWh: z.number(),
  measuredWh: z.number(),
  measuredMs: z.number(),
  litMs: z.number(),
  coveredMs: z.number(),
  minLevel: z.number().nullable(),
  emitted: z.boolean(),
});
type Night = z.infer<typeof Night>;

const ZoneRecord = z.object({
  level: z.number().nullable(),
  mode: z.string().nullable(),
  burningMs: z.number().min(0),
  night: Night.nullable(),
});
type ZoneRecord = z.infer<typeof ZoneRecord>;
const Records = z.record(z.string(), ZoneRecord);

/** What a cycle tells the ledger about a zone. */
export interface ZoneSample {
  /** Monotonic ms of the cycle. */
  readonly mono: number;
  /** The time the decision was taken for (wall time, or its estimate while untrusted). */
  readonly at: number;
  readonly level: number;
  /** The astronomical clock says night (switch-on to switch-off). */
  readonly astroNight: boolean;
  readonly night: number;
  readonly date: string;
  readonly switchOn: number | null;
  readonly switchOff: number | null;
  /** The zone's expected power at `level` and at 100 %, W. */
  readonly powerW: number;
  readonly fullW: number;
  /** The nodes' measured power, W, or null when one did not answer. */
  readonly measuredW: number | null;
}

/** The `night-summary` event's data. */
export interface NightSummary {
  readonly night: string;
  /** What the lamps drew at the levels set (the dimming curve × the zone's lamps), Wh. */
  readonly energyWh: number;
  /** The same lamps at 100 % over the same time, Wh. */
  readonly baselineWh: number;
  readonly savingsPct: number;
  readonly litHours: number;
  /** The lowest level set between switch-on and switch-off (0: part-night off). */
  readonly minLevel: number | null;
  /** What the nodes measured, Wh, over `measuredHours` (null when they never answered). */
  readonly measuredWh: number | null;
  readonly measuredHours: number;
  /** Hours of the night the agent ran, of `nightHours` from switch-on to switch-off. */
  readonly coveredHours: number;
  readonly nightHours: number;
}

/** A zone's night so far, for its telemetry. */
export interface Tonight {
  readonly figures: NightSoFar;
  /** The night ended at this cycle: the figures are its summary's. */
  readonly final: boolean;
}

/** The per-zone records, durable. */
export class ZoneLedger {
  readonly #state: AgentState;
  readonly #records: Record<string, ZoneRecord>;
  readonly #prev = new Map<string, ZoneSample>();
  /** Zones whose night was summed up at their latest step. */
  readonly #ended = new Set<string>();
  #maxGapMs: number;

  constructor(state: AgentState, log: Logger, maxGapMs: number) {
    this.#state = state;
    this.#maxGapMs = maxGapMs;
    let records: Record<string, ZoneRecord> = {};
    try {
      records = state.get(ZONES_KEY, Records) ?? {};
    } catch (err) {
      log.error({ err }, 'stored lighting zone records unreadable; starting afresh');
    }
    this.#records = records;
  }

  /** A new decision period. */
  set maxGapMs(ms: number) {
    this.#maxGapMs = ms;
  }

  /** The level last announced for a zone, with its mode; null before any. */
  announced(zoneId: string): { level: number | null; mode: string | null } {
    const r = this.#records[zoneId];
    return { level: r?.level ?? null, mode: r?.mode ?? null };
  }

  /** Records the level just announced. */
  announce(zoneId: string, level: number, mode: string): void {
    const r = this.#record(zoneId);
    r.level = level;
    r.mode = mode;
  }

  /** Hours the module kept the zone lit, all time. */
  burningHours(zoneId: string): number {
    return (this.#records[zoneId]?.burningMs ?? 0) / HOUR_MS;
  }

  /**
   * Adds the time since the zone's previous sample (at that sample's level) and returns the
   * summaries of the nights that ended: at switch-off, or late (after a restart) once a newer
   * night starts.
   */
  step(zoneId: string, sample: ZoneSample): NightSummary[] {
    const r = this.#record(zoneId);
    const prev = this.#prev.get(zoneId);
    this.#prev.set(zoneId, sample);
    this.#ended.delete(zoneId);
    const out: NightSummary[] = [];
    const dt = prev === undefined ? 0 : sample.mono - prev.mono;
    if (prev !== undefined && dt > 0 && dt <= this.#maxGapMs) {
      if (prev.level > 0) r.burningMs += dt;
      if (prev.astroNight) {
        if (r.night !== null && r.night.night !== prev.night) {
          if (!r.night.emitted && r.night.coveredMs > 0) out.push(summarise(r.night));
          r.night = null;
        }
        r.night ??= {
          night: prev.night,
          date: prev.date,
          switchOn: prev.switchOn,
          switchOff: prev.switchOff,
          energyWh: 0,
          baselineWh: 0,
          measuredWh: 0,
          measuredMs: 0,
          litMs: 0,
          coveredMs: 0,
          minLevel: null,
          emitted: false,
        };
        const n = r.night;
        n.energyWh += (prev.powerW * dt) / HOUR_MS;
        n.baselineWh += (prev.fullW * dt) / HOUR_MS;
        n.coveredMs += dt;
        if (prev.level > 0) n.litMs += dt;
        n.minLevel = Math.min(n.minLevel ?? prev.level, prev.level);
        if (prev.measuredW !== null) {
          n.measuredWh += (prev.measuredW * dt) / HOUR_MS;
          n.measuredMs += dt;
        }
      }
    }
    const n = r.night;
    if (n !== null && !n.emitted) {
      const over = n.switchOff !== null && sample.at >= n.switchOff;
      if ((over || n.night !== sample.night) && n.coveredMs > 0) {
        out.push(summarise(n));
        n.emitted = true;
        this.#ended.add(zoneId);
      }
    }
    return out;
  }

  /**
   * The zone's night so far, as of its latest step: while that step is in the night (switch-on
   * to switch-off) the ledger counts, and at the step that summed the night up (then with the
   * summary's figures). Null by day, and for a night left unfinished by an agent that was down
   * (its summary comes late, once a newer night starts).
   */
  tonight(zoneId: string): Tonight | null {
    const n = this.#records[zoneId]?.night ?? null;
    if (n === null || n.coveredMs === 0) return null;
    const final = this.#ended.has(zoneId);
    const latest = this.#prev.get(zoneId);
    const running =
      !n.emitted &&
      latest !== undefined &&
      latest.astroNight &&
      latest.night === n.night &&
      (n.switchOff === null || latest.at < n.switchOff);
    if (!final && !running) return null;
    return { figures: soFar(n), final };
  }

  /** Forgets zones no longer configured. */
  retain(zoneIds: readonly string[]): void {
    for (const id of Object.keys(this.#records)) {
      if (!zoneIds.includes(id)) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by zone id
        delete this.#records[id];
        this.#prev.delete(id);
        this.#ended.delete(id);
      }
    }
  }

  /** Stores every record (each cycle: one small write). */
  save(): void {
    this.#state.set(ZONES_KEY, this.#records);
  }

  #record(zoneId: string): ZoneRecord {
    let r = this.#records[zoneId];
    if (r === undefined) {
      r = { level: null, mode: null, burningMs: 0, night: null };
      this.#records[zoneId] = r;
    }
    return r;
  }
}

/** The figures the summary and the night so far share, rounded alike so that they agree. */
function figures(n: Night) {
  const savings = n.baselineWh > 0 ? (100 * (n.baselineWh - n.energyWh)) / n.baselineWh : 0;
  return {
    night: n.date,
    energyWh: round1(n.energyWh),
    baselineWh: round1(n.baselineWh),
    savingsPct: round1(savings),
    litHours: round2(n.litMs / HOUR_MS),
    minLevel: n.minLevel,
  };
}

const isoOrNull = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function soFar(n: Night): NightSoFar {
  return {
    ...figures(n),
    since: isoOrNull(n.switchOn),
    until: isoOrNull(n.switchOff),
    coveredHours: round2(n.coveredMs / HOUR_MS),
  };
}

function summarise(n: Night): NightSummary {
  return {
    ...figures(n),
    measuredWh: n.measuredMs > 0 ? round1(n.measuredWh) : null,
    measuredHours: round2(n.measuredMs / HOUR_MS),
    coveredHours: round2(n.coveredMs / HOUR_MS),
    nightHours:
      n.switchOn === null || n.switchOff === null
        ? 0
        : round2((n.switchOff - n.switchOn) / HOUR_MS),
  };
}
