import type { LightingMode } from '@hameau/edge-agent';
import { VIOLATION_KINDS, VIOLATION_LABEL, type ViolationKind } from './violation-checker.js';

// What a lighting simulation found, as `--json` prints it, and as lines for a terminal.

export const LIGHTING_MODES: readonly LightingMode[] = [
  'off',
  'program',
  'event',
  'override',
  'failsafe',
];

/**
 * Level bands of the hours table: off, lit levels by twenty points, and full light (`full`, not
 * `100`: an integer-like key would come first in a JSON object).
 */
export const LEVEL_BANDS = ['off', '1-19', '20-39', '40-59', '60-79', '80-99', 'full'] as const;
export type LevelBand = (typeof LEVEL_BANDS)[number];

/** The band of a level 0–100. */
export function levelBand(level: number): LevelBand {
  if (level <= 0) return 'off';
  if (level >= 100) return 'full';
  return LEVEL_BANDS[1 + Math.floor(level / 20)] ?? '80-99';
}

const BAND_LABEL: Readonly<Record<LevelBand, string>> = {
  off: 'off',
  '1-19': '1–19 %',
  '20-39': '20–39 %',
  '40-59': '40–59 %',
  '60-79': '60–79 %',
  '80-99': '80–99 %',
  full: '100 %',
};

export interface ZoneSummary {
  readonly id: string;
  readonly name: string;
  readonly class: string;
  readonly minimum: number;
  readonly kWh: number;
  readonly baselineKWh: number;
  readonly savedPct: number;
  readonly litHours: number;
  /** The lowest level the zone was lit at; null if never lit. */
  readonly lowestLitLevel: number | null;
}

export interface ViolationExample {
  readonly kind: ViolationKind;
  readonly zone: string;
  /** Local time with its offset. */
  readonly at: string;
  readonly level: number;
  readonly mode: LightingMode;
  readonly reasons: readonly string[];
}

/** The summary of a run; `ok` is what the exit code says. */
export interface SimSummary {
  readonly town: string;
  readonly site: {
    readonly latitude: number;
    readonly longitude: number;
    readonly timeZone: string;
  };
  readonly period: {
    readonly from: string;
    readonly to: string;
    readonly nights: number;
    readonly hours: number;
  };
  readonly zones: number;
  readonly decisions: number;
  readonly weather: {
    readonly source: string;
    /** Reports observed within the period. */
    readonly reports: number;
    readonly fogHours: number;
    readonly heavyRainHours: number;
    readonly snowCoverHours: number;
    /** Share of the simulated minutes with a report fresh enough for the controller. */
    readonly freshPct: number;
  };
  readonly energy: {
    readonly kWh: number;
    readonly baselineKWh: number;
    readonly savedKWh: number;
    readonly savedPct: number;
    readonly targetPct: number;
    readonly met: boolean;
  };
  /** Zone-hours in each mode; they add up to zones × period hours. */
  readonly modeHours: Readonly<Record<LightingMode, number>>;
  /** Zone-hours in each level band; the same total. */
  readonly levelHours: Readonly<Record<LevelBand, number>>;
  readonly nights: {
    readonly count: number;
    /** By the site's switch rules, as the checker computes them. */
    readonly shortestHours: number;
    readonly longestHours: number;
    /** Zone-nights by the program the calendar chose, and by the rule that chose it. */
    readonly byProgram: Readonly<Record<string, number>>;
    readonly byRule: Readonly<Record<string, number>>;
  };
  readonly incidents: {
    readonly events: number;
    readonly overrides: number;
    readonly clockFaults: number;
  };
  readonly zoneTable: readonly ZoneSummary[];
  readonly violations: {
    readonly total: number;
    readonly byKind: Readonly<Record<ViolationKind, number>>;
    /** The first few, with the controller's reasons. */
    readonly examples: readonly ViolationExample[];
  };
  readonly ok: boolean;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const one = (n: number) =>
  n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const hm = (hours: number) => {
  const minutes = Math.round(hours * 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
};
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const counts = (record: Readonly<Record<string, number>>) =>
  Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${int(v)}`)
    .join(' · ');

/** The summary for a terminal. */
export function formatSummary(s: SimSummary): string[] {
  const { energy: e, weather: w, nights: n, violations: v } = s;
  const lines = [
    `${s.town}: ${s.zones} zones, ${s.period.nights} nights from ${s.period.from} to ${s.period.to}`,
    `  site ${s.site.latitude} N ${s.site.longitude} E (${s.site.timeZone}); ${int(s.decisions)} decisions, one per zone per minute`,
    `weather: ${w.source}: ${int(w.reports)} reports, fog ${int(w.fogHours)} h, heavy rain ${int(w.heavyRainHours)} h, snow cover ${int(w.snowCoverHours)} h; a fresh report ${one(w.freshPct)} % of the time`,
    `energy: ${int(e.kWh)} kWh against ${int(e.baselineKWh)} kWh at 100 % from switch-on to switch-off: ${int(e.savedKWh)} kWh saved, ${one(e.savedPct)} % (target ≥ ${e.targetPct} %: ${e.met ? 'met' : 'MISSED'})`,
    `modes (zone-hours): ${LIGHTING_MODES.map((m) => `${m} ${int(s.modeHours[m])}`).join(' · ')} (of ${int(s.zones * s.period.hours)})`,
    `levels (zone-hours): ${LEVEL_BANDS.map((b) => `${BAND_LABEL[b]} ${int(s.levelHours[b])}`).join(' · ')}`,
    `nights: ${n.count}, from ${hm(n.shortestHours)} to ${hm(n.longestHours)} of night by the switch rules`,
    `  zone-nights by program: ${counts(n.byProgram)}`,
    `  zone-nights by calendar rule: ${counts(n.byRule)}`,
    `incidents: ${plural(s.incidents.events, 'town event')}, ${plural(s.incidents.overrides, 'override')}, ${plural(s.incidents.clockFaults, 'clock fault')}`,
    'zones:',
  ];
  const header = ['zone', 'class', 'min', 'kWh', 'at 100 %', 'saved', 'lit h', 'lowest lit'];
  const rows = s.zoneTable.map((z) => [
    z.id,
    z.class,
    `${z.minimum} %`,
    int(z.kWh),
    int(z.baselineKWh),
    `${one(z.savedPct)} %`,
    int(z.litHours),
    z.lowestLitLevel === null ? '—' : `${z.lowestLitLevel} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    `  ${r.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  lines.push(line(header), ...rows.map(line));
  lines.push(
    `violations: ${v.total} (${VIOLATION_KINDS.map((k) => `${VIOLATION_LABEL[k]} ${v.byKind[k]}`).join(', ')})`,
  );
  for (const x of v.examples) {
    lines.push(`  ${x.kind} ${x.zone} at ${x.at}: level ${x.level} (${x.mode})`);
    for (const r of x.reasons) lines.push(`    ${r}`);
  }
  lines.push(s.ok ? 'result: ok' : 'result: FAILED');
  return lines;
}
