import { markdownTable } from '../markdown-table.js';
import type { LiveCase, LiveResults } from './live-bench.js';

/** The budget of ARCHITECTURE.md §7 this part speaks to. */
export const LIVE_GOAL = { viewers: 1_000, p95Ms: 1_000 } as const;

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : n.toFixed(0)) : 'n/a');
const cores = (n: number | null) => (n === null ? 'n/a' : `${Math.round(n * 100)} %`);

/** The many-viewer case and the one-viewer baseline, when both ran. */
function pair(results: LiveResults): { base: LiveCase | undefined; many: LiveCase | undefined } {
  const base = results.cases.find((c) => c.viewers === 1);
  const many = results.cases.find((c) => c !== base) ?? base;
  return { base, many };
}

/** Per case: latency percentiles, the ratio to one viewer, and what each process used. */
export function liveTable(results: LiveResults): string {
  const { base } = pair(results);
  const rows = results.cases.map((c) => {
    const l = c.latencyMs;
    const ratio = base === undefined ? Number.NaN : l.p95 / base.latencyMs.p95;
    return [
      int(c.viewers),
      int(c.latencyMs.count),
      `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} / ${ms(l.max)}`,
      c === base ? '1 (baseline)' : `${ratio.toFixed(2)}×`,
      `${ms(c.fanOutMs.p50)} / ${ms(c.fanOutMs.p95)}`,
      c.updatesPerViewerPerSecond.toFixed(1),
      cores(c.cores.api),
      cores(c.cores.broker),
      cores(c.cores.viewers),
      String(c.missed + c.endedEarly + c.impossible + c.unreadable),
    ];
  });
  return markdownTable(
    [
      'viewers',
      'samples',
      'publish → viewer p50 / p95 / p99 / max ms',
      'p95 × 1 viewer',
      'feed → viewer p50 / p95 ms',
      'updates/s',
      'API CPU',
      'broker CPU',
      'viewers CPU',
      'missed',
    ],
    ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows,
  );
}

/** The budget's line: p95 with the number of viewers. */
export function liveVerdict(results: LiveResults): {
  goal: string;
  measured: string;
  pass: boolean | null;
} {
  const { many } = pair(results);
  const full = many !== undefined && many.viewers >= LIVE_GOAL.viewers;
  return {
    goal:
      `public dashboard: ${int(LIVE_GOAL.viewers)} live viewers, update p95 ≤ ` +
      `${LIVE_GOAL.p95Ms / 1000} s after the reading is published` +
      (full || many === undefined ? '' : ` (this run: ${int(many.viewers)} viewers)`),
    measured:
      many === undefined
        ? 'not measured'
        : `${ms(many.latencyMs.p95)} ms (max ${ms(many.latencyMs.max)} ms)`,
    pass: many === undefined || !full ? null : many.latencyMs.p95 <= LIVE_GOAL.p95Ms,
  };
}

/** Problems that make the part's figures meaningless: readings viewers never saw, and so on. */
export function liveProblems(results: LiveResults): string[] {
  return results.cases.flatMap((c) => {
    const out: string[] = [];
    const who = `${c.viewers} viewer(s)`;
    if (c.latencyMs.count === 0) out.push(`${who}: no reading reached a viewer`);
    if (c.missed > 0) out.push(`${who}: ${c.missed} viewer-readings never shown`);
    if (c.impossible > 0) out.push(`${who}: ${c.impossible} events shown before their publish`);
    if (c.endedEarly > 0) out.push(`${who}: ${c.endedEarly} streams ended by the server`);
    if (c.unreadable > 0) out.push(`${who}: ${c.unreadable} events the bench could not read`);
    return out;
  });
}

/** Part B's table, for the terminal and the doc. */
export function renderLive(results: LiveResults): string {
  return [
    `**Live viewers of \`GET /api/v1/public/live\`** (${results.devices} meters agents publishing ${int(results.ratePerSecond)} readings/s for ${results.seconds} s per case; latency per viewer and marker reading)`,
    '',
    liveTable(results),
  ].join('\n');
}
