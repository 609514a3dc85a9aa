import { renderBenchSection, type RunContext, type Verdict } from '../bench-section.js';
import { markdownTable } from '../markdown-table.js';
import type { LatencyResult } from '../locker/latency-sampler.js';
import type { LoopResult } from './decision-loop.js';
import type { LightingBenchOptions } from './options.js';
import { OVERRIDE_LEVELS, type OverrideLatencyResult } from './override-latency.js';

export type { OverrideLatencyResult } from './override-latency.js';

/** The lighting goals of ARCHITECTURE.md §7 this bench speaks to. */
export const GOALS = { yearSeconds: 10, overrideP95Ms: 1_000 } as const;

/** A year of minutes, and the zones the decisions goal is stated for. */
export const YEAR_MINUTES = 525_600;
export const GOAL_ZONES = 50;

/** What a run measured. */
export interface LightingBenchResults {
  readonly zones: number;
  /** Simulated minutes per pass. */
  readonly minutes: number;
  /** Rounds in run order: the sun-only baseline, then the real controller. */
  readonly baseline: readonly LoopResult[];
  readonly controller: readonly LoopResult[];
  /** Null when the run left it out (`--overrides=0`). */
  readonly overrideLatency: OverrideLatencyResult | null;
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
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const times = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a');

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
  const latency = results.overrideLatency;
  if (latency !== null) {
    for (const r of [latency.modbus, latency.mqtt, latency.override]) {
      problems.push(...r.failures);
      if (r.summary.count === 0) problems.push('a latency path took no sample');
    }
  }
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
          ? 'not measured in this run'
          : `p95 ${ms(latency.override.summary.p95)} ms (p50 ${ms(latency.override.summary.p50)}, max ${ms(latency.override.summary.max)}, ${latency.override.summary.count} overrides)`,
      pass: latency === null ? null : latency.override.summary.p95 <= GOALS.overrideP95Ms,
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

/** The override path and its two floors, with the ratios of the override to each. */
function latencyTable(latency: OverrideLatencyResult): string {
  const o = latency.override.summary;
  const row = (label: string, r: LatencyResult, ratios: boolean) => {
    const s = r.summary;
    return [
      label,
      String(s.count),
      ms(s.p50),
      ms(s.p95),
      ms(s.max),
      ratios ? `${times(o.p50, s.p50)} / ${times(o.p95, s.p95)}` : '—',
      r.cloudCores === null ? '—' : `${(100 * r.cloudCores).toFixed(0)} %`,
      r.cores === null ? '—' : `${(100 * r.cores).toFixed(0)} %`,
    ];
  };
  return markdownTable(
    [
      'path',
      'samples',
      'p50 ms',
      'p95 ms',
      'max ms',
      'override ÷ this (p50 / p95)',
      'cloud CPU',
      'bench CPU',
    ],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    [
      row('Modbus write, `modbus-serial` → node register (floor)', latency.modbus, true),
      row('bare MQTT publish → delivery, same broker (floor)', latency.mqtt, true),
      row('**API override → both nodes of the zone written**', latency.override, false),
    ],
  );
}

/** Where the override's time goes: the cloud, the agent's command handling, the cycle. */
function breakdown(latency: OverrideLatencyResult): string {
  const { override, apiAnswered } = latency;
  const issued = override.decided;
  const rest = override.afterDecision;
  if (issued === null || rest === null) return '';
  const pair = (s: { p50: number; p95: number }) => `p50 ${ms(s.p50)}, p95 ${ms(s.p95)} ms`;
  return [
    `Where it goes (ms from t0): the API answered the POST (command stored, published) at ${pair(apiAnswered)};`,
    `the agent had stored the override and asked for a cycle (its \`override-issued\` event in the outbox) at ${pair(issued)};`,
    `from there the decision cycle and the Modbus writes of both nodes took ${pair(rest)}.`,
  ].join('\n');
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
      ? ['**Override latency** was left out of this run (`--overrides=0`).']
      : [
          `**Override latency, cloud API → lamp node register written (goal: p95 ≤ 1 s)** (one override at a time, alternating ${OVERRIDE_LEVELS.join(' and ')} %, each cleared untimed before the next; CPU as a share of one core while the samples ran)`,
          '',
          latencyTable(results.overrideLatency),
          '',
          breakdown(results.overrideLatency),
        ]),
  ].join('\n');
}

/** The `bench:lighting` section of docs/benchmarks.md. */
export function renderDocSection(
  results: LightingBenchResults,
  options: LightingBenchOptions,
  run: RunContext,
): string {
  return renderBenchSection({
    title: 'Lighting: controller decisions, override latency',
    name: 'bench:lighting',
    quick: options.quick,
    run,
    tables: renderResults(results, options),
    notes: `- **What is timed.** One pass decides every zone once per simulated minute, in time order, as
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
- **Override latency: the path.** Everything real, on real time: the cabinet town of the
  lighting end-to-end test (\`bench/src/lighting/cabinet-town.ts\`, shared with
  \`cli/test/lighting-e2e.test.ts\`): the API (SQLite) and our broker (authenticating from
  the API's registry) in a child process of their own; in the bench process the cabinet's
  agent (\`startAgent\` with the lighting module and its MQTT link, as \`hameau agent\` runs
  it) and three firmware-sim lamp nodes behind a Modbus TCP gateway. t0 is taken just before
  \`POST /api/v1/devices/senlis/lamps-centre/lighting/overrides\` (zone \`rue\`, 30 min);
  t1 when the second of the zone's two nodes stores the level in its dim-level holding
  register. Between two samples, untimed, the override is cleared through the API and the
  zone is seen back on its program; each sample starts after a random pause of up to 0.5 s,
  so it lands anywhere in the agent's work.
- **How t1 is taken.** By a hook, not by polling: the simulated node calls its change
  listeners synchronously while it handles the write request, just before it stores the
  value; the listener reads \`performance.now()\` (µs resolution, the same monotonic clock as
  t0, in the same process) and a microtask later checks that the register now holds the
  override's level. What t1 may miss is at most the listener's own few µs.
- **The floors**, in the same run: \`modbus-serial\` (the agent driver's library) writing the
  same register through the same gateway before the agent starts, timed by the same hook;
  and a bare QoS 1 MQTT publish from a cloud-role account to a subscribed device through the
  same broker (the locker bench's baseline). _override ÷ this_ is what the API, the agent and
  their durable writes add to each.
- **Reading it.** Both floors are under a millisecond: the override's time is the API (HTTP,
  the command stored in SQLite, its publish), the agent's handling of the command (its durable
  writes: the command accepted, the override in its state, the \`override-issued\` event, each
  a committed SQLite transaction), then one decision cycle whose Modbus writes and read-backs
  take a few ms. Its tail follows the machine's load (the load average above): the budget of
  1 s is met with a wide margin either way.
- \`npm run bench:lighting -- --help\` lists the options (\`--quick\`: a month and 20
  overrides, leaves this file alone; \`--overrides=0\` leaves the latency out). The full
  simulation with its checker is [lighting-simulation.md](lighting-simulation.md).`,
  });
}
