import type { RunContext } from '../broker/report.js';
import { formatMachine } from '../machine.js';
import { markdownTable } from '../markdown-table.js';
import type { LoopResult } from './decision-loop.js';
import type { LightingBenchOptions } from './options.js';

/** The lighting goals of ARCHITECTURE.md §7 this bench speaks to. */
export const GOALS = { yearSeconds: 10, overrideP95Ms: 1_000 } as const;

/** A year of minutes, and the zones the decisions goal is stated for. */
export const YEAR_MINUTES = 525_600;
export const GOAL_ZONES = 50;

/**
 * Override latency, cloud API → lamp node register written: NOT MEASURED YET. The lighting
 * module and the cloud API's lighting routes are being written; the task that measures this
 * fills `LightingBenchResults.overrideLatency` and nothing else here needs to change.
 */
export interface OverrideLatencyResult {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

/** What a run measured. */
export interface LightingBenchResults {
  readonly zones: number;
  /** Simulated minutes per pass. */
  readonly minutes: number;
  /** Rounds in run order: the sun-only baseline, then the real controller. */
  readonly baseline: readonly LoopResult[];
  readonly controller: readonly LoopResult[];
  /** Null until the override-latency measurement exists (see OverrideLatencyResult). */
  readonly overrideLatency: OverrideLatencyResult | null;
}

export interface Verdict {
  readonly goal: string;
  readonly measured: string;
  /** null when the run did not measure what the goal needs. */
  readonly pass: boolean | null;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const secs = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : 'n/a');
const millions = (n: number) => `${(n / 1e6).toFixed(1)} M`;

/** Median wall time of a case, ms. */
export const medianWall = (runs: readonly LoopResult[]) => median(runs.map((r) => r.wallMs));
/** Median CPU time of a case, ms: what the decisions cost, whatever else the machine runs. */
export const medianCpu = (runs: readonly LoopResult[]) => median(runs.map((r) => r.cpuMs));

/**
 * The real controller's median CPU and wall time scaled to 50 zones × a year, s; and whether
 * they are scaled (a shorter run).
 */
export function yearSeconds(results: LightingBenchResults): {
  cpu: number;
  wall: number;
  scaled: boolean;
} {
  const factor = (YEAR_MINUTES / results.minutes) * (GOAL_ZONES / results.zones);
  return {
    cpu: (medianCpu(results.controller) * factor) / 1000,
    wall: (medianWall(results.controller) * factor) / 1000,
    scaled: factor !== 1,
  };
}

/** Problems that make the run's figures meaningless (docs are then left alone). */
export function problemsOf(results: LightingBenchResults): string[] {
  const problems: string[] = [];
  const expected = results.zones * results.minutes;
  for (const [name, runs] of [
    ['sun-only', results.baseline],
    ['controller', results.controller],
  ] as const) {
    for (const r of runs) {
      if (r.decisions !== expected) {
        problems.push(`${name}: ${r.decisions} decisions, expected ${expected}`);
      }
    }
  }
  // Both decide by the same sun times and the town never switches off at night: they must
  // agree on every lit minute, or the real controller was not doing the job being timed.
  const lit = new Set([...results.baseline, ...results.controller].map((r) => r.litMinutes));
  if (lit.size > 1) problems.push(`lit zone-minutes differ: ${[...lit].join(' vs ')}`);
  return problems;
}

function decisionsTable(results: LightingBenchResults): string {
  const base = medianCpu(results.baseline);
  const baseWall = medianWall(results.baseline);
  const row = (label: string, runs: readonly LoopResult[]) => {
    const cpu = medianCpu(runs);
    const wall = medianWall(runs);
    const decisions = runs[0]?.decisions ?? 0;
    return [
      label,
      secs(cpu),
      secs(wall),
      ((cpu * 1e6) / decisions).toFixed(0),
      int(decisions / (cpu / 1000)),
      `${(cpu / base).toFixed(2)}× (wall ${(wall / baseWall).toFixed(2)}×)`,
      int(median(runs.map((r) => r.traces))),
    ];
  };
  return markdownTable(
    [
      'controller',
      'CPU s',
      'wall s',
      'ns/decision (CPU)',
      'decisions/s (CPU)',
      '× sun-only',
      'traces read',
    ],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    [row('sun-only baseline', results.baseline), row('LightingController', results.controller)],
  );
}

/** The goals this bench speaks to, with what the run measured. */
export function verdicts(results: LightingBenchResults): Verdict[] {
  const year = yearSeconds(results);
  const latency = results.overrideLatency;
  return [
    {
      goal: `a year of ${GOAL_ZONES} zones (${millions(YEAR_MINUTES * GOAL_ZONES)} decisions) through the controller ≤ ${GOALS.yearSeconds} s`,
      measured:
        `${year.cpu.toFixed(1)} s of CPU (wall ${year.wall.toFixed(1)} s)` +
        (year.scaled ? `, scaled from ${results.zones} zones × ${int(results.minutes)} min` : ''),
      pass: year.cpu <= GOALS.yearSeconds,
    },
    {
      goal: 'override latency, cloud API → lamp node register written, p95 ≤ 1 s',
      measured:
        latency === null
          ? 'not measured yet'
          : `p95 ${latency.p95Ms.toFixed(0)} ms (p50 ${latency.p50Ms.toFixed(0)}, max ${latency.maxMs.toFixed(0)}, ${latency.samples} samples)`,
      pass: latency === null ? null : latency.p95Ms <= GOALS.overrideP95Ms,
    },
  ];
}

function targetsTable(results: LightingBenchResults): string {
  return markdownTable(
    ['goal', 'measured', 'pass'],
    ['left', 'right', 'left'],
    verdicts(results).map((v) => [
      v.goal,
      v.measured,
      v.pass === null ? '—' : v.pass ? 'yes' : 'NO',
    ]),
  );
}

/** The tables, for the terminal and the doc. */
export function renderResults(
  results: LightingBenchResults,
  options: LightingBenchOptions,
): string {
  const rounds = results.controller.length;
  return [
    `**Decisions: ${results.zones} zones × ${int(results.minutes)} simulated minutes (${millions(results.zones * results.minutes)} decisions a pass)** (${options.days} days from 1 January ${options.year}; ${rounds} round${rounds === 1 ? '' : 's'} of the sun-only baseline then the real controller, same loop; medians)`,
    '',
    decisionsTable(results),
    '',
    '**Targets**',
    '',
    targetsTable(results),
    '',
    ...(results.overrideLatency === null
      ? [
          '**Override latency, cloud API → lamp node register written (goal: p95 ≤ 1 s)**: not',
          'measured yet. This place is kept for it: the lighting module and the cloud API routes',
          'are being written, and the task that measures it fills it in.',
        ]
      : [
          '**Override latency, cloud API → lamp node register written (goal: p95 ≤ 1 s)**:',
          `p95 ${results.overrideLatency.p95Ms.toFixed(0)} ms over ${results.overrideLatency.samples} overrides.`,
        ]),
  ].join('\n');
}

/** The `bench:lighting` section of docs/benchmarks.md. */
export function renderDocSection(
  results: LightingBenchResults,
  options: LightingBenchOptions,
  run: RunContext,
): string {
  const [before, after] = run.loadAverage;
  const when = run.date.toISOString().slice(0, 16).replace('T', ' ');
  return `## Lighting: controller decisions per second

Command: \`npm run bench:lighting\`${options.quick ? ' --quick' : ''} · ${when} UTC ·
${formatMachine(run.machine)} · load average ${before.toFixed(1)} before, ${after.toFixed(1)} after

${renderResults(results, options)}

Notes:

- **What is timed.** One pass decides every zone once per simulated minute, in time order, as
  \`hameau sim lighting\` does, in one process with no timers: \`decide(zone, {weather}, t)\`,
  and the reason trace read whenever a zone's level changes (what the agent logs). The town
  (\`bench/src/lighting/bench-town.ts\`): Chantilly, switch-on at sunset +10 min and off at
  sunrise −10 min, three programs (one with a step until sunrise −30 min), five calendar rules
  (summer nights, holidays, holiday eves, weekends, and residential weeknights for a third of
  the zones), an event every Saturday 20:00–23:30 with 15 min ramps on a tenth of the zones,
  and an hourly weather report with fog and heavy-rain episodes.
- **The baseline** is the same loop over a controller that only compares the time with
  switch-on and switch-off computed before the clock starts, and allocates a decision the same
  way. _× sun-only_ is therefore the cost of the calendar, the programs, events, weather and
  traces, plus compiling each zone's night once (suncalc, Intl). Both must agree on every lit
  zone-minute, or the run fails and this section is left alone.
- **CPU, not wall.** The times are the medians of the rounds; the rates, the ratio and the
  goal use the bench process's CPU time (user + system), because this machine runs other work
  (the load average above): a pass's wall time is its CPU time plus the time it waited for a
  core. On an idle machine the two are close; the wall ratio is shown next to the CPU one.
- **Override latency** has its row and its line above, and reads _not measured yet_ until the
  task that measures it fills \`LightingBenchResults.overrideLatency\`
  (\`bench/src/lighting/report.ts\`). \`npm run bench:lighting -- --help\` lists the options
  (\`--quick\`, a month, leaves this file alone). The full simulation with its checker is
  [lighting-simulation.md](lighting-simulation.md).`;
}
