import {
  ClockTrust,
  LightingController,
  zonePowerW,
  ZonedTime,
  type LightingInputs,
  type LightingMode,
  type WeatherInput,
} from '@hameau/edge-agent';
import { AstroWindows } from './astro-windows.js';
import type { SimSchedule } from './sim-schedule.js';
import {
  LEVEL_BANDS,
  levelBand,
  LIGHTING_MODES,
  type LevelBand,
  type SimSummary,
  type ViolationExample,
  type ZoneSummary,
} from './sim-summary.js';
import { ViolationChecker } from './violation-checker.js';
import { WeatherTrack } from './weather-track.js';

// The minute loop: every zone decided once per simulated minute by the real controller (no
// timers: time is a loop variable), its energy counted from the zone energy helpers, each
// decision judged by the independent checker, against all night at 100 %.

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** The controller takes a report dated up to this far ahead as clock skew. */
const WEATHER_AHEAD_MS = 5 * MINUTE_MS;
/** How many violations the summary shows with their reasons. */
const EXAMPLES = 10;

/** The town's savings target, percent of the all-night baseline. */
export const SAVINGS_TARGET_PCT = 35;

export interface SimInput {
  /** The town's name, for the report. */
  readonly town: string;
  readonly schedule: SimSchedule;
  /** Where the weather comes from, for the report, and its reports. */
  readonly weather: { readonly source: string; readonly reports: readonly WeatherInput[] };
  readonly targetPct?: number;
}

interface ZoneRun {
  readonly id: string;
  /** W at each level 0–100. */
  readonly power: Float64Array;
  readonly fullW: number;
  readonly standbyW: number;
  wh: number;
  baselineWh: number;
  litMinutes: number;
  lowestLit: number;
  lastNight: number;
}

/** `YYYY-MM-DDTHH:MM±HH:MM` in the site's time zone. */
export function localIso(time: ZonedTime, ms: number): string {
  const offset = time.offsetAt(ms);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / MINUTE_MS;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(Math.round(minutes % 60)).padStart(2, '0');
  return `${new Date(ms + offset).toISOString().slice(0, 16)}${sign}${hh}:${mm}`;
}

const bump = (record: Record<string, number>, key: string) => {
  record[key] = (record[key] ?? 0) + 1;
};

/** Runs the schedule minute by minute and sums it up. */
export function simulateLighting(input: SimInput): SimSummary {
  const { schedule } = input;
  const { config, from, to } = schedule;
  const targetPct = input.targetPct ?? SAVINGS_TARGET_PCT;
  const controller = new LightingController(config);
  const checker = new ViolationChecker(config, schedule.overrides);
  const time = new ZonedTime(config.site.timeZone);
  const track = new WeatherTrack(input.weather.reports);
  const trust = new ClockTrust({ jumpThresholdMs: config.clockTrust.jumpThresholdSeconds * 1000 });
  // The box starts synchronised; the monotonic clock is the simulated time itself.
  trust.markSynced(from, from);

  const zones: ZoneRun[] = config.zones.map((zone) => {
    const power = new Float64Array(101);
    for (let level = 0; level <= 100; level++) {
      power[level] = zonePowerW(zone.lamps, level, config.dimmingCurve);
    }
    return {
      id: zone.id,
      power,
      fullW: power[100] ?? 0,
      standbyW: power[0] ?? 0,
      wh: 0,
      baselineWh: 0,
      litMinutes: 0,
      lowestLit: 101,
      lastNight: Number.NaN,
    };
  });

  const modeMinutes = Object.fromEntries(LIGHTING_MODES.map((m) => [m, 0])) as Record<
    LightingMode,
    number
  >;
  const bandMinutes = new Float64Array(101);
  const byProgram: Record<string, number> = {};
  const byRule: Record<string, number> = {};
  const examples: ViolationExample[] = [];
  const staleMs = config.weather.staleMinutes * MINUTE_MS;
  const faults = schedule.clockFaults;
  let fault = 0;
  let faulty = false;
  let freshMinutes = 0;
  let minutes = 0;
  let decisions = 0;

  for (let t = from; t < to; t += MINUTE_MS) {
    while (fault < faults.length && (faults[fault]?.to ?? Infinity) <= t) fault++;
    const current = faults[fault];
    const inFault = current !== undefined && t >= current.from && t < current.to;
    if (faulty && !inFault) trust.markSynced(t, t); // NTP puts the clock right
    faulty = inFault;
    const wall = inFault ? t + current.jumpMs : t;
    const clock = trust.observe(wall, t);
    const weather = track.at(t);
    if (
      weather !== null &&
      t - weather.observedAt <= staleMs &&
      weather.observedAt - t <= WEATHER_AHEAD_MS
    ) {
      freshMinutes++;
    }
    const inputs: LightingInputs = { overrides: schedule.overrides, weather, clock };
    minutes++;
    for (const zone of zones) {
      const decision = controller.decide(zone.id, inputs, wall);
      const level = decision.level;
      decisions++;
      zone.wh += (zone.power[level] ?? Number.NaN) / 60;
      zone.baselineWh += (checker.isNight(zone.id, t) ? zone.fullW : zone.standbyW) / 60;
      modeMinutes[decision.mode]++;
      bandMinutes[level] = (bandMinutes[level] ?? 0) + 1;
      if (level > 0) {
        zone.litMinutes++;
        if (level < zone.lowestLit) zone.lowestLit = level;
      }
      if (decision.mode !== 'failsafe' && decision.plan.night !== zone.lastNight) {
        zone.lastNight = decision.plan.night;
        bump(byProgram, decision.plan.program.id);
        bump(byRule, decision.plan.match?.rule.name ?? 'no rule: default program');
      }
      const broken = checker.check(zone.id, t, level);
      for (const kind of broken) {
        if (examples.length >= EXAMPLES) break;
        examples.push({
          kind,
          zone: zone.id,
          at: localIso(time, t),
          level,
          mode: decision.mode,
          reasons: decision.reasons,
        });
      }
    }
  }

  const levelHours = Object.fromEntries(LEVEL_BANDS.map((b) => [b, 0])) as Record<
    LevelBand,
    number
  >;
  bandMinutes.forEach((count, level) => {
    levelHours[levelBand(level)] += count / 60;
  });
  const modeHours = Object.fromEntries(
    LIGHTING_MODES.map((m) => [m, modeMinutes[m] / 60]),
  ) as Record<LightingMode, number>;

  const zoneTable: ZoneSummary[] = config.zones.map((zone, i) => {
    const run = zones[i];
    const wh = run?.wh ?? 0;
    const base = run?.baselineWh ?? 0;
    return {
      id: zone.id,
      name: zone.name,
      class: zone.class,
      minimum: config.classMinimums[zone.class],
      kWh: wh / 1000,
      baselineKWh: base / 1000,
      savedPct: base > 0 ? (100 * (base - wh)) / base : 0,
      litHours: (run?.litMinutes ?? 0) / 60,
      lowestLitLevel: run === undefined || run.lowestLit > 100 ? null : run.lowestLit,
    };
  });
  const kWh = zoneTable.reduce((sum, z) => sum + z.kWh, 0);
  const baselineKWh = zoneTable.reduce((sum, z) => sum + z.baselineKWh, 0);
  const savedPct = baselineKWh > 0 ? (100 * (baselineKWh - kWh)) / baselineKWh : 0;

  // Night lengths by the site's own rules, as the checker sees them.
  const astro = new AstroWindows(config.site);
  let shortest = Infinity;
  let longest = 0;
  for (let n = 0; n < schedule.nights; n++) {
    const w = astro.windowAt(
      time.instantOf(schedule.firstNight + n, 18 * 60),
      config.switchOn,
      config.switchOff,
    );
    const hours = w.on === null || w.off === null ? 0 : (w.off - w.on) / HOUR_MS;
    shortest = Math.min(shortest, hours);
    longest = Math.max(longest, hours);
  }

  let fog = 0;
  let rain = 0;
  let snow = 0;
  let reports = 0;
  for (const r of track.reports) {
    if (r.observedAt < from || r.observedAt >= to) continue;
    reports++;
    const visibility = r.visibilityM ?? null;
    if (r.fog || (visibility !== null && visibility < config.weather.fogVisibilityM)) fog++;
    if (r.heavyRain) rain++;
    if (r.snowCover === true) snow++;
  }

  const violations = checker.total;
  const met = savedPct >= targetPct;
  return {
    town: input.town,
    site: config.site,
    period: {
      from: localIso(time, from),
      to: localIso(time, to),
      nights: schedule.nights,
      hours: (to - from) / HOUR_MS,
    },
    zones: zones.length,
    decisions,
    weather: {
      source: input.weather.source,
      reports,
      fogHours: fog,
      heavyRainHours: rain,
      snowCoverHours: snow,
      freshPct: minutes > 0 ? (100 * freshMinutes) / minutes : 0,
    },
    energy: { kWh, baselineKWh, savedKWh: baselineKWh - kWh, savedPct, targetPct, met },
    modeHours,
    levelHours,
    nights: {
      count: schedule.nights,
      shortestHours: Number.isFinite(shortest) ? shortest : 0,
      longestHours: longest,
      byProgram,
      byRule,
    },
    incidents: {
      events: config.events.filter((e) => e.end > from && e.start < to).length,
      overrides: schedule.overrides.filter((o) => o.expiresAt > from && o.start < to).length,
      clockFaults: faults.length,
    },
    zoneTable,
    violations: { total: violations, byKind: { ...checker.counts }, examples },
    ok: violations === 0 && met,
  };
}
